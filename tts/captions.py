"""WebVTT captions for read-along: one cue per spoken segment."""

from __future__ import annotations

from tts.timeline import Timeline


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(timeline.cues, 1):
        lines += [str(n), f"{stamp(cue.start)} --> {stamp(cue.end)}", cue.text.replace("-->", "->"), ""]
    return "\n".join(lines)
