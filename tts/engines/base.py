"""One interface for every voice. A new engine (a local neural voice) is one subclass of Engine."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Callable

from sohoa.errors import RemoteServiceError, SohoaError, SubprocessError


class SynthesisError(SohoaError):
    """One segment could not be spoken. ``transient`` failures were retried before giving up.

    Raise one of the two subclasses: where the voice runs decides the exit code.
    """

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class OnlineVoiceError(SynthesisError, RemoteServiceError):
    """An online voice (gTTS) did not speak a segment: the service failed or refused."""


class LocalVoiceError(SynthesisError, SubprocessError):
    """A voice program on this machine (espeak-ng) failed on a segment: no service involved."""


class ServiceUnreachable(OnlineVoiceError):
    """The online service could not be reached several times in a row (no network): every further
    segment would fail the same way, so no retry round is spent on it (not ``transient``) and the
    run stops at once."""

    def __init__(self, message: str) -> None:
        super().__init__(message, transient=False)


class Engine(ABC):
    name: str = ""
    voice: str = ""

    def settings(self) -> dict[str, Any]:
        """Whatever changes the sound: part of every cache key."""
        return {}

    @abstractmethod
    def synthesize(self, text: str, dest: Path) -> None:
        """Speak ``text`` into ``dest`` as a sohoa clip (WAV, 24 kHz mono); raise SynthesisError."""


class RateLimiter:
    """At most ``per_second`` starts a second across all threads (gTTS: about one request a second)."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.sleep(start - now)
