"""The speech check: can espeak-ng speak the lobby's calls in Vietnamese (embedded office only)?"""

from __future__ import annotations

import os
import shutil
import tempfile

from kiosk.doctor.base import PASS, SKIP, WARN, Context, Result, size_text


def check_speech(ctx: Context) -> Result:
    if not ctx.embedded:
        return Result(SKIP, "speech", f"calls are spoken by the office service at {ctx.settings.office.url}; "
                      "run `kiosk doctor` there")
    from kiosk.office.speech import Speaker

    path_env = ctx.env.get("PATH", os.defpath)
    espeak = shutil.which("espeak-ng", path=path_env)
    if not espeak:
        return Result(WARN, "speech", "espeak-ng not installed: the lobby board plays a chime without the voice",
                      "sudo apt install espeak-ng")
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-speech-") as tmp:
        wav = Speaker(tmp, espeak=espeak).speech_wav("Mời công dân có số thứ tự A, 0 0 1, đến quầy số 1")
        if wav is None:
            return Result(WARN, "speech", f"{espeak} could not speak Vietnamese: the board plays a chime only",
                          "sudo apt install --reinstall espeak-ng espeak-ng-data (it brings the voice vi)")
        size = wav.stat().st_size
    return Result(PASS, "speech", f"espeak-ng speaks Vietnamese (voice vi, {size_text(size)} test call)")


def check_voice(ctx: Context) -> Result:
    """The kiosk's own voice ([audio]): an engine that speaks Vietnamese and an output to play it."""
    from kiosk.voice import RenderCache, choose_engine, open_output
    from kiosk.voice.engines import wav_seconds

    audio = ctx.settings.audio
    engine, why = choose_engine(audio, "vi", path=ctx.env.get("PATH", os.defpath))
    if engine is None:
        level = SKIP if not audio.enabled or audio.engine == "none" else WARN
        return Result(level, "voice", f"the kiosk works silently: {why}",
                      "" if level == SKIP else "install it, or set [audio] engine = \"none\" to silence this")
    output, why_output = open_output(audio.output)
    if why_output and audio.output != "none":
        return Result(WARN, "voice", f"the kiosk works silently: {why_output}", "sudo apt install alsa-utils")
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-voice-") as tmp:
        wav = RenderCache(tmp).wav(engine, "Mời ông/bà chọn lĩnh vực cần làm")
        if wav is None:
            return Result(WARN, "voice", f"{engine.name} could not speak Vietnamese (voice {engine.voice}): "
                          "the kiosk works silently", "check [audio] voice / piper_model")
        seconds = wav_seconds(wav)
    return Result(PASS, "voice", f"{engine.name} speaks Vietnamese (voice {engine.voice}, a prompt of "
                  f"{seconds:.1f} s) through {output.describe}")
