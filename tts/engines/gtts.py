"""Online: Google Translate's voice through gTTS, one request per segment.

Always a timeout (gTTS has none by default); a rate limit shared by all threads; exponential
backoff on 429, 5xx and connection errors; no retry on 403/404 or other 4xx. A few connection
failures in a row, across segments and threads, mean there is no network: the engine then refuses
every further segment at once (ServiceUnreachable) instead of spending minutes on retries.
"""

from __future__ import annotations

import io
import logging
import random
import threading
import time
from pathlib import Path
from typing import Any, Callable

import requests
from gtts import gTTS, gTTSError

from tts.audio import to_wav
from tts.engines.base import Engine, OnlineVoiceError, RateLimiter, ServiceUnreachable

log = logging.getLogger(__name__)


class GTTSEngine(Engine):
    name = "gtts"

    def __init__(self, voice: str = "vi", tld: str = "com", timeout: float = 15.0, per_second: float = 1.0,
                 retries: int = 4, backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep,
                 unreachable_after: int = 3) -> None:
        self.voice, self.tld, self.timeout = voice, tld, timeout
        self.retries, self.backoff, self.sleep = retries, backoff, sleep
        self.unreachable_after = unreachable_after
        self._connection_failures = 0  # in a row, whatever the segment or thread; an answer resets it
        self._failures_lock = threading.Lock()
        self._unreachable = ""  # the one message every segment gets once the service is unreachable
        self.limiter = RateLimiter(per_second, sleep=sleep)
        self.requests = 0  # HTTP requests sent, for tests and the benchmark

    def settings(self) -> dict[str, Any]:
        return {"tld": self.tld}

    def _fetch(self, text: str) -> bytes:
        self.limiter.wait()
        self.requests += 1
        buffer = io.BytesIO()
        gTTS(text, lang=self.voice, tld=self.tld, timeout=self.timeout, lang_check=False).write_to_fp(buffer)
        return buffer.getvalue()

    def synthesize(self, text: str, dest: Path) -> None:
        problem = ""
        for attempt in range(self.retries + 1):
            self._check_reachable(problem)
            try:
                audio = self._fetch(text)
                self._count_connection(failed=False)
                if not audio:
                    raise OnlineVoiceError("gTTS: empty audio", transient=False)
                to_wav(audio, dest)
                return
            except gTTSError as exc:
                status = exc.rsp.status_code if exc.rsp is not None else None
                problem = _describe(exc, status)
                self._count_connection(failed=status is None)
                self._check_reachable(problem)
                if status is not None and status != 429 and status < 500:
                    raise OnlineVoiceError(f"gTTS: {problem} (không thử lại / not retried)", transient=False) from exc
                retry_after = _retry_after(exc.rsp)
            if attempt < self.retries:
                delay = retry_after or self.backoff * 2**attempt * (1 + random.random() / 4)
                log.warning("gTTS: %s; thử lại sau / retrying in %.1f s", problem, delay)
                self.sleep(delay)
        raise OnlineVoiceError(f"gTTS: {problem} (sau / after {self.retries + 1} lần thử / attempts)", transient=True)

    def _count_connection(self, failed: bool) -> None:
        with self._failures_lock:
            self._connection_failures = self._connection_failures + 1 if failed else 0

    def _check_reachable(self, problem: str) -> None:
        """Refuse at once when the service is unreachable, always with the same words (a run that
        failed every segment this way is reported as one reason)."""
        with self._failures_lock:
            if self._connection_failures >= self.unreachable_after and not self._unreachable:
                self._unreachable = (
                    f"gTTS: không kết nối được / cannot reach the service ({self._connection_failures} connection "
                    f"failures in a row: {problem}; no network?): dừng / stopped. Dùng / use --engine espeak, "
                    "or run again when online (finished segments are cached)")
        if self._connection_failures >= self.unreachable_after:
            raise ServiceUnreachable(self._unreachable)


def _describe(exc: gTTSError, status: int | None) -> str:
    if status is not None:
        return f"HTTP {status}"
    cause = exc.__context__
    if isinstance(cause, requests.Timeout):
        return "quá thời gian / timeout"
    return f"không kết nối được / connection failed ({type(cause).__name__ if cause else 'unknown'})"


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return min(float(value), 120.0) if value else None
    except ValueError:
        return None
