"""WebVTT captions for read-along: one cue per printed sentence, timed by its spoken pieces.

A listener reads the bulletin as printed ("năm 2023", "QR") while the voice says its read-aloud
form ("hai nghìn không trăm hai mươi ba", "kiu a"); the timeline keeps both.
"""

from __future__ import annotations

from itertools import groupby

from tts.timeline import Cue, Timeline


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def sentence_cues(timeline: Timeline) -> list[Cue]:
    """The timeline's pieces joined back into their printed sentences."""
    joined = []
    for _, group in groupby(timeline.cues, key=lambda c: c.sentence):
        pieces = list(group)
        joined.append(Cue(pieces[0].start, pieces[-1].end, " ".join(c.text for c in pieces),
                          pieces[0].printed or " ".join(c.text for c in pieces), pieces[0].sentence))
    return joined


def webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(sentence_cues(timeline), 1):
        lines += [str(n), f"{stamp(cue.start)} --> {stamp(cue.end)}", cue.printed.replace("-->", "->"), ""]
    return "\n".join(lines)
