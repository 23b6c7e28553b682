"""A bulletin from text to published audiobook, in three plain steps the flow also uses:
:func:`plan` (normalise, segment), :func:`tts.synthesize.synthesize_all`, :func:`finish`
(assemble, captions, metadata, feed, QR, listening page).

Layout under the archive: ``audio/<slug>/`` holds ``<slug>.mp3`` (or ``.m4b``), ``<slug>.vtt``,
``audiobook.json``, ``qr.png``, ``qr.svg`` and ``index.html``; ``audio/feed.xml`` lists every
bulletin folder beside it; ``audio/.cache/`` keeps each segment's clip.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from corpus.archive import write_atomic
from sohoa.vietnamese import fold
from tts import assemble, publish, timeline
from tts.captions import webvtt
from tts.document import Bulletin, Chapter, parse
from tts.lexicon import Lexicon
from tts.normalize import normalize
from tts.segment import Segment, segment
from tts.synthesize import Clip


@dataclass
class BulletinInfo:
    title: str = ""
    series: str = ""  # the album: "Bản tin Quận ủy Long Biên"
    issue: str = ""
    date: str = ""  # ISO, 2023-02-15
    publisher: str = ""


@dataclass
class Plan:
    info: BulletinInfo
    slug: str
    chapter_titles: list[str]
    segments: list[Segment]
    text: str = field(repr=False)  # the whole read-aloud text


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
    return slug[:limit].rstrip("-") or "ban-tin"


def intro(info: BulletinInfo) -> str:
    """What a listener hears first: series, issue, date, title."""
    head = " ".join(p for p in (info.series, f"số {info.issue}" if info.issue else "") if p)
    if info.date:
        head = f"{head}, {info.date}" if head else info.date
    return f"{head}. {info.title}." if head else f"{info.title}."


def plan(text: str, info: BulletinInfo, markdown: bool = False, lexicon: Lexicon | None = None,
         limit: int = 100) -> Plan:
    lexicon = lexicon or Lexicon.load()
    raw = parse(text, markdown=markdown, title=info.title or None)
    info.title = info.title or raw.title
    info.series = info.series or (f"Bản tin {info.publisher}" if info.publisher else "Bản tin")
    say = lambda s: " ".join(normalize(s, lexicon).split())  # noqa: E731
    spoken = Bulletin(say(raw.title), [Chapter(say(c.title), [say(p) for p in c.paragraphs]) for c in raw.chapters])
    opening = say(intro(info).replace(info.date, _spoken_date(info.date)) if info.date else intro(info))
    segments = segment(spoken, limit=limit, intro=opening)
    slug = slugify(f"{info.date} {info.title}" if info.date else info.title)
    titles = [c.title for c in raw.chapters]
    return Plan(info, slug, titles, segments, " ".join(s.text for s in segments))


def _spoken_date(iso: str) -> str:
    try:
        d = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"ngày {d.day}/{d.month}/{d.year}"


@dataclass
class Result:
    folder: Path
    audio: Path
    captions: Path
    feed: Path
    metadata: dict


def finish(p: Plan, clips: list[Clip], folder: Path, base_url: str, fmt: str = "mp3",
           cover: Path | None = None, primary_engine: str = "") -> Result:
    """Assemble, check, tag, caption and publish one bulletin into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    assemble.check_duration(sum(c.duration for c in clips), p.text)
    line = timeline.build(p.segments, clips, p.chapter_titles)
    audio = folder / f"{p.slug}.{fmt}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".assemble-") as tmp:
        wav = Path(tmp) / "all.wav"
        assemble.concatenate(clips, line.silences, wav)
        tags = assemble.Tags(p.info.title, p.info.series, p.info.publisher, p.info.date, p.info.issue)
        lufs, peak = assemble.encode(wav, audio, tags, line, cover)
    captions = folder / f"{p.slug}.vtt"
    write_atomic(captions, webvtt(line))
    engines = Counter(c.engine for c in clips)
    fell_back = [c.index for c in clips if primary_engine and c.engine != primary_engine]
    meta = {
        **asdict(p.info), "slug": p.slug, "file": audio.name, "bytes": audio.stat().st_size,
        "duration": round(line.duration, 3), "captions": captions.name, "lufs": lufs, "true_peak": peak,
        "engine": primary_engine or next(iter(engines), ""), "engines": dict(engines),
        "fallback_segments": fell_back, "segments": len(clips),
        "chapters": [{"title": c.title, "start": round(c.start, 3), "end": round(c.end, 3)} for c in line.chapters],
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_atomic(folder / "audiobook.json", json.dumps(meta, ensure_ascii=False, indent=2))
    page_url = f"{base_url.rstrip('/')}/audio/{folder.name}/"
    publish.write_qr(page_url, folder)
    publish.write_page(meta, folder)
    feed = publish.write_feed(folder.parent, f"{base_url.rstrip('/')}/audio", p.info.series, p.info.publisher or "sohoa")
    return Result(folder, audio, captions, feed, meta)
