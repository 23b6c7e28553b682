"""The `audiobook` flow: segments spoken concurrently (within the engine's rate limit), retried,
cached; then assembled and published, with a markdown artifact of chapters, duration and engine.

A thin wrapper over :mod:`tts.pipeline` and :mod:`tts.synthesize`; the same steps run without
Prefect (see tests/test_tts_pipeline.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from sohoa.runtime import flow_session
from sohoa.settings import Settings
from tts.cache import SegmentCache
from tts.engines import Engine, SynthesisError
from tts.pipeline import Plan, Publishing, Result, finish
from tts.segment import Segment
from tts.synthesize import Clip, gather_clips, synthesize_segment


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """One more round, after a pause, for what the engine's own backoff could not get through."""
    try:
        state.result()
    except SynthesisError as exc:
        return exc.transient
    except Exception:
        return False
    return False


# The segment cache, not Prefect's result store, remembers finished segments: no task caching.
@task(name="speak-segment", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=10, retry_condition_fn=_transient)
def speak_task(segment: Segment, engine: Engine, cache: SegmentCache, fallback: Engine | None) -> Clip:
    return synthesize_segment(segment, engine, cache, fallback)


def _artifact(result: Result) -> None:
    meta = result.metadata
    rows = "\n".join(f"| {c.title} | {int(c.start // 60)}:{c.start % 60:04.1f} |" for c in meta.chapters)
    fallback = f", fallback on segments {meta.fallback_segments}" if meta.fallback_segments else ""
    create_markdown_artifact(
        key=f"audiobook-{meta.slug[:50].rstrip('-')}",
        description=f"Audiobook of {meta.title}",
        markdown=(f"# {meta.title}\n\n{meta.duration / 60:.1f} min, {meta.segments} segments, "
                  f"engine **{meta.engine}** {meta.engines}{fallback}, {meta.lufs} LUFS, "
                  f"true peak {meta.true_peak} dBTP.\n\n`{result.audio}`\n\n"
                  f"| chapter | starts |\n|---|---|\n{rows}\n"),
    )


@flow(name="audiobook", validate_parameters=False, log_prints=False)
def audiobook_flow(plan: Plan, engine: Any, cache: Any, folder: Path, publishing: Any, fallback: Any = None,
                   reporter: Any = None) -> Result:
    """``reporter`` has ``clip_done(clip)`` (typed Any: Prefect builds a schema from the signature)."""
    futures = [speak_task.submit(s, engine, cache, fallback) for s in plan.segments]
    clips = gather_clips(plan.segments, futures, reporter.clip_done if reporter else None)
    result = finish(plan, clips, folder, publishing, primary_engine=engine.name)
    _artifact(result)
    return result


def run_audiobook(settings: Settings, plan: Plan, engine: Engine, cache: SegmentCache, folder: Path,
                  publishing: Publishing, fallback: Engine | None = None, workers: int = 2,
                  reporter: Any = None) -> Result:
    with flow_session(settings):
        runner = ThreadPoolTaskRunner(max_workers=max(1, workers))
        return audiobook_flow.with_options(task_runner=runner)(
            plan, engine, cache, folder, publishing, fallback, reporter)
