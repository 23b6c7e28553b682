"""Where each segment and chapter sits in the finished audio, from the clips' real durations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tts.segment import Pause, Segment
from tts.synthesize import Clip

PAUSES = {Pause.clause: 0.25, Pause.sentence: 0.5, Pause.paragraph: 0.9, Pause.chapter: 1.6}
TAIL = 0.6  # silence after the last word


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # what is spoken ("hai nghìn không trăm hai mươi ba")
    printed: str = ""  # the printed sentence it is read from ("2023")
    sentence: int = 0


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float
    end: float


@dataclass
class Timeline:
    cues: list[Cue] = field(default_factory=list)
    chapters: list[ChapterMark] = field(default_factory=list)
    silences: list[float] = field(default_factory=list)  # after each clip, seconds

    @property
    def duration(self) -> float:
        return self.cues[-1].end if self.cues else 0.0


def build(segments: Sequence[Segment], clips: Sequence[Clip], chapter_titles: Sequence[str],
          pauses: dict[Pause, float] = PAUSES) -> Timeline:
    """Cues that follow one another without gaps (each holds its pause) from 0 to the end."""
    timeline = Timeline()
    starts: list[float] = []
    t = 0.0
    for n, (segment, clip) in enumerate(zip(segments, clips, strict=True)):
        starts.append(t)
        silence = TAIL if n == len(segments) - 1 else pauses[segment.pause]
        timeline.silences.append(silence)
        t += clip.duration + silence
    ends = starts[1:] + [t]
    timeline.cues = [Cue(s, e, seg.text, seg.printed or seg.text, seg.sentence)
                     for s, e, seg in zip(starts, ends, segments)]
    firsts: dict[int, float] = {}
    for segment, start in zip(segments, starts):
        firsts.setdefault(segment.chapter, start)
    numbers = sorted(firsts)
    marks = [0.0 if i == 0 else firsts[c] for i, c in enumerate(numbers)]
    timeline.chapters = [ChapterMark(chapter_titles[c], s, e) for c, s, e in zip(numbers, marks, marks[1:] + [t])]
    return timeline
