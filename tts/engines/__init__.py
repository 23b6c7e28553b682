"""The voices sohoa can use, by name. To add one: a subclass of Engine and one line in ENGINES."""

from __future__ import annotations

from typing import Any

from sohoa.errors import BadArgsError
from tts.engines.base import Engine, LocalVoiceError, OnlineVoiceError, RateLimiter, ServiceUnreachable, SynthesisError
from tts.engines.espeak import EspeakEngine
from tts.engines.gtts import GTTSEngine

ENGINES: dict[str, type[Engine]] = {"gtts": GTTSEngine, "espeak": EspeakEngine}

__all__ = ["ENGINES", "Engine", "EspeakEngine", "GTTSEngine", "LocalVoiceError", "OnlineVoiceError", "RateLimiter",
           "ServiceUnreachable", "SynthesisError", "make_engine"]


def make_engine(name: str, **options: Any) -> Engine:
    if name not in ENGINES:
        raise BadArgsError(f"không có giọng đọc / no engine {name!r}; có / available: {', '.join(ENGINES)}")
    return ENGINES[name](**options)
