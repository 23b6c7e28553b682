"""Offline: espeak-ng's Vietnamese voice. Robotic but instant (real-time factor about 0.003)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.errors import SubprocessError
from tts.audio import run, to_wav
from tts.engines.base import Engine, LocalVoiceError


class EspeakEngine(Engine):
    name = "espeak"

    def __init__(self, voice: str = "vi", words_per_minute: int = 150, pitch: int = 50) -> None:
        self.voice, self.words_per_minute, self.pitch = voice, words_per_minute, pitch

    def settings(self) -> dict[str, Any]:
        return {"wpm": self.words_per_minute, "pitch": self.pitch}

    def synthesize(self, text: str, dest: Path) -> None:
        try:
            done = run(["espeak-ng", "-v", self.voice, "-s", str(self.words_per_minute), "-p", str(self.pitch),
                        "--stdout"], "espeak-ng", input=text.encode("utf-8"), timeout=120)
            to_wav(done.stdout, dest)
        except SubprocessError as exc:  # a missing espeak-ng or ffmpeg is not caught: it says so as it is
            raise LocalVoiceError(str(exc), transient=False) from exc
