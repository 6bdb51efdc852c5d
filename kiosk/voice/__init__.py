"""The kiosk's voice, shared by the kiosk and the lobby board: short prompts spoken offline.

An engine (espeak-ng, or Piper with a neural Vietnamese model) renders a sentence into a WAV once;
the cache keeps it by engine, voice and text, so a repeated prompt costs no synthesis; an output
plays it (ALSA through `aplay`) or writes it into a folder (`file:DIR`, for the demo and tests).
`Voice` does all of it on one worker thread: the UI thread only hands in a sentence, and a new
sentence cuts the one still playing. No Kivy here.
"""

from kiosk.voice.cache import RenderCache
from kiosk.voice.engines import Engine, choose_engine
from kiosk.voice.outputs import open_output
from kiosk.voice.speaker import Voice, build_voice, spell_number

__all__ = ["Engine", "RenderCache", "Voice", "build_voice", "choose_engine", "open_output", "spell_number"]
