"""Segments into clips: from the cache when there, else from the engine (or the opt-in fallback)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import RemoteServiceError
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


class SynthesisFailed(RemoteServiceError):
    def __init__(self, failures: dict[int, str], total: int) -> None:
        # Segments that failed for the same reason share one mention (no network: every segment).
        segments_of: dict[str, list[int]] = {}
        for index, why in sorted(failures.items()):
            segments_of.setdefault(why, []).append(index)
        reasons = list(segments_of.items())
        shown = "; ".join(f"{_numbers(indexes)}: {why}" for why, indexes in reasons[:5])
        more = f"; … +{len(reasons) - 5}" if len(reasons) > 5 else ""
        super().__init__(f"{len(failures)}/{total} đoạn không đọc được / segments failed: {shown}{more}. "
                         "Chạy lại để tiếp tục / run again to resume (finished segments are cached)")
        self.failures = failures


def _numbers(indexes: list[int]) -> str:
    return ", ".join(f"#{i}" for i in indexes[:3]) + (f" … ({len(indexes)})" if len(indexes) > 3 else "")


def synthesize_all(segments: Sequence[Segment], engine: Engine, cache: SegmentCache,
                   fallback: Engine | None = None, workers: int = 2,
                   on_clip: Callable[[Clip], None] | None = None) -> list[Clip]:
    """Every segment's clip, in order; failures are collected and reported together at the end,
    except an unreachable service: that one reason is the whole story, so it is raised alone."""
    clips: dict[int, Clip] = {}
    failures: dict[int, str] = {}
    unreachable: list[ServiceUnreachable] = []

    def one(segment: Segment) -> None:
        try:
            clips[segment.index] = clip = synthesize_segment(segment, engine, cache, fallback)
            if on_clip:
                on_clip(clip)
        except ServiceUnreachable as exc:
            unreachable.append(exc)
        except SynthesisError as exc:
            failures[segment.index] = str(exc)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, segments))
    if unreachable:
        raise unreachable[0]
    if failures:
        raise SynthesisFailed(failures, len(segments))
    return [clips[s.index] for s in segments]
