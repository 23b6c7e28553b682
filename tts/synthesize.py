"""Segments into clips: from the cache when there, else from the engine (or the opt-in fallback)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sohoa.errors import ExitCode, RemoteServiceError, SohoaError
from tts.audio import wav_duration
from tts.cache import SegmentCache, segment_key
from tts.engines import Engine, ServiceUnreachable, SynthesisError
from tts.segment import Segment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clip:
    index: int
    path: Path
    duration: float
    engine: str  # the engine whose voice this is (the fallback's when it stood in)
    cached: bool


def _from(engine: Engine, segment: Segment, cache: SegmentCache) -> Clip:
    key = segment_key(engine.name, engine.voice, segment.text, engine.settings())
    path = cache.get(key)
    cached = path is not None
    if path is None:
        tmp = cache.reserve(key)
        try:
            engine.synthesize(segment.text, tmp)
            path = cache.commit(key, tmp)
        finally:
            tmp.unlink(missing_ok=True)
    return Clip(segment.index, path, wav_duration(path), engine.name, cached)


def synthesize_segment(segment: Segment, engine: Engine, cache: SegmentCache,
                       fallback: Engine | None = None) -> Clip:
    """One segment's clip. With ``fallback``, a failed segment is spoken by it, and logged."""
    try:
        return _from(engine, segment, cache)
    except SynthesisError as exc:
        if fallback is None:
            raise
        log.warning("đoạn / segment #%d: %s; dùng / using %s", segment.index, exc, fallback.name)
        return _from(fallback, segment, cache)


class SynthesisFailed(SohoaError):
    """Some segments could not be spoken; the message names the first five and why.

    Exits as an online service's failure when any failed segment was an online voice's, else as
    the local voice program's.
    """

    exit_code = ExitCode.remote_service

    def __init__(self, failures: dict[int, SynthesisError], total: int) -> None:
        # Segments that failed for the same reason share one mention (no network: every segment).
        segments_of: dict[str, list[int]] = {}
        for index, why in sorted(failures.items()):
            segments_of.setdefault(str(why), []).append(index)
        reasons = list(segments_of.items())
        shown = "; ".join(f"{_numbers(indexes)}: {why}" for why, indexes in reasons[:5])
        more = f"; … +{len(reasons) - 5}" if len(reasons) > 5 else ""
        super().__init__(f"{len(failures)}/{total} đoạn không đọc được / segments failed: {shown}{more}. "
                         "Chạy lại để tiếp tục / run again to resume (finished segments are cached)")
        self.failures = failures
        if not any(isinstance(exc, RemoteServiceError) for exc in failures.values()):
            self.exit_code = ExitCode.child_process_error


class Pending(Protocol):
    """A segment's clip on its way: a concurrent.futures or a Prefect future."""

    def result(self) -> Clip: ...


def gather_clips(segments: Sequence[Segment], pending: Sequence[Pending],
                 on_clip: Callable[[Clip], None] | None = None) -> list[Clip]:
    """Every segment's clip, in order; segments that could not be spoken are collected and raised
    together at the end (one SynthesisFailed), so that one bad segment never hides the others.
    An unreachable service is the exception: that one reason is the whole story, raised alone."""
    clips: list[Clip] = []
    failures: dict[int, SynthesisError] = {}
    for segment, future in zip(segments, pending, strict=True):
        try:
            clip = future.result()
        except SynthesisError as exc:
            failures[segment.index] = exc
            continue
        clips.append(clip)
        if on_clip:
            on_clip(clip)
    unreachable = [exc for exc in failures.values() if isinstance(exc, ServiceUnreachable)]
    if unreachable:
        raise unreachable[0]
    if failures:
        raise SynthesisFailed(failures, len(segments))
    return clips


def _numbers(indexes: list[int]) -> str:
    return ", ".join(f"#{i}" for i in indexes[:3]) + (f" … ({len(indexes)})" if len(indexes) > 3 else "")


def synthesize_all(segments: Sequence[Segment], engine: Engine, cache: SegmentCache,
                   fallback: Engine | None = None, workers: int = 2,
                   on_clip: Callable[[Clip], None] | None = None) -> list[Clip]:
    """Every segment's clip, spoken by ``workers`` threads (the audiobook flow does the same with
    Prefect tasks); failures are collected and reported together at the end."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending = [pool.submit(synthesize_segment, s, engine, cache, fallback) for s in segments]
        return gather_clips(segments, pending, on_clip)
