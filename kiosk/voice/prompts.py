"""The sentences the kiosk says that do not change with the citizen: rendered ahead by
`kiosk voice warm`, so the first citizen of the day waits for no synthesis."""

from __future__ import annotations

from kiosk import i18n

# spoken keys: each screen's guidance, the notices (errors and faults), the idle question
SPOKEN_PREFIXES = ("voice.", "notice.", "hours.")
SPOKEN_KEYS = ("idle.question", "ticket.not_printed")


def fixed_prompts() -> list[tuple[str, str]]:
    """(text, lang) of every spoken sentence without a placeholder, in both languages."""
    out = []
    for lang in i18n.LANGUAGES:
        for key, text in i18n.catalogue(lang).items():
            if (key.startswith(SPOKEN_PREFIXES) or key in SPOKEN_KEYS) and "{" not in text:
                out.append((text, lang))
    return out


def warm(settings) -> tuple[int, int, str]:
    """Render the fixed prompts into the cache: (rendered now, total, why silent or "")."""
    from kiosk.voice.speaker import build_voice

    voice = build_voice(settings)
    if not any(voice.engines.values()):
        return 0, 0, voice.silent_reason
    prompts = fixed_prompts()
    return voice.warm(prompts), len(prompts), ""


def main(settings, action: str, text: str = "") -> int:
    """`kiosk voice warm` and `kiosk voice say TEXT` (an installer's check of the speakers)."""
    import sys

    if action == "warm":
        rendered, total, why = warm(settings)
        if why:
            print(f"the kiosk works silently: {why}", file=sys.stderr)
            return 1
        print(f"{total} prompts ready ({rendered} rendered now, {total - rendered} already cached)")
        return 0
    from kiosk.voice.speaker import build_voice

    voice = build_voice(settings)
    if not voice.available:
        print(f"the kiosk works silently: {voice.silent_reason}", file=sys.stderr)
        return 1
    wav = voice.cache.wav(voice.engines["vi"], text)
    if wav is None:
        print("the voice could not say it (see the log)", file=sys.stderr)
        return 1
    voice.output.play(wav, text, "vi")  # waits until it has been said
    print(f"said through {voice.output.describe}")
    return 0
