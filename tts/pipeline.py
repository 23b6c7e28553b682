"""A bulletin from text to published audiobook, in three plain steps the flow also uses:
:func:`plan` (normalise, segment), :func:`tts.synthesize.synthesize_all`, :func:`finish`
(assemble, captions, metadata, feed, QR, listening page).

Layout under the archive: ``audio/<slug>/`` holds ``<slug>.mp3`` (or ``.m4b``), ``<slug>.vtt``,
``audiobook.json``, ``chapters.json``, ``cover.jpg``, ``qr.png``, ``qr.svg`` and ``index.html``; ``audio/feed.xml`` lists every
bulletin folder beside it; ``audio/.cache/`` keeps each segment's clip.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from corpus.archive import write_atomic
from corpus.polls import PollSpec, split_polls
from sohoa.errors import BadArgsError
from sohoa.vietnamese import fold
from tts import assemble, publish, timeline
from tts.captions import webvtt
from tts.cover import draw_cover, prepare_cover
from tts.document import parse
from tts.lexicon import Lexicon
from tts.meta import FILE, SLUG, AudiobookMeta, ChapterEntry, bulletin_guid, display_date
from tts.normalize import normalize
from tts.publish import published_base_url
from tts.segment import Segment, segment
from tts.synthesize import Clip


@dataclass
class BulletinInfo:
    title: str = ""
    series: str = ""  # the album: "Bản tin Quận ủy Long Biên"
    issue: str = ""
    date: str = ""  # ISO, 2023-02-15
    publisher: str = ""
    access: str = "public"  # "internal": only members may hear it (the public feed leaves it out)
    source_doc: str = ""  # the archived document it was read from, if any


@dataclass
class Plan:
    info: BulletinInfo
    slug: str
    chapter_titles: list[str]
    segments: list[Segment]
    text: str = field(repr=False)  # the whole read-aloud text
    polls: list[PollSpec] = field(default_factory=list)  # ```poll blocks: shown under the player, not read


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
    return slug[:limit].rstrip("-") or "ban-tin"


def intro(info: BulletinInfo) -> str:
    """What a listener hears first, as printed: series, issue, date (dd/mm/yyyy), title."""
    head = " ".join(p for p in (info.series, f"số {info.issue}" if info.issue else "") if p)
    if info.date:
        when = f"ngày {display_date(info.date)}"
        head = f"{head}, {when}" if head else when
    return f"{head}. {info.title}." if head else f"{info.title}."


def plan(text: str, info: BulletinInfo, markdown: bool = False, lexicon: Lexicon | None = None,
         limit: int = 100) -> Plan:
    lexicon = lexicon or Lexicon.load()
    text, polls = split_polls(text)
    raw = parse(text, markdown=markdown, title=info.title or None)
    info.title = info.title or raw.title
    info.series = info.series or (f"Bản tin {info.publisher}" if info.publisher else "Bản tin")
    say = lambda s: " ".join(normalize(s, lexicon).split())  # noqa: E731
    segments = segment(raw, limit=limit, intro=intro(info), say=say)
    slug = slugify(f"{info.date} {info.title}" if info.date else info.title)
    titles = [c.title for c in raw.chapters]
    return Plan(info, slug, titles, segments, " ".join(s.text for s in segments), polls)


@dataclass
class Publishing:
    """Where and how a bulletin is published (what the feed and the QR code say)."""

    base_url: str  # the site's root, as published; checked by tts.publish.published_base_url
    local: bool = False  # accept a loopback or unset base URL (trying things on this machine)
    fmt: str = "mp3"
    cover: Path | None = None  # the editor's image; None: one is drawn with the title and publisher
    owner_email: str = ""  # the feed's itunes:owner


@dataclass
class Result:
    folder: Path
    audio: Path
    captions: Path
    feed: Path
    metadata: AudiobookMeta
    page_url: str


def check_folder(folder: Path) -> str:
    """The bulletin's slug: its folder's name, which is its path on `sohoa serve` (``/audio/<slug>/``)."""
    if not SLUG.fullmatch(folder.name):
        raise BadArgsError(f"tên thư mục '{folder.name[:60]}' không dùng được làm địa chỉ /audio/<tên>/: "
                           "chỉ chữ thường không dấu, số và dấu gạch ngang")
    return folder.name


def finish(p: Plan, clips: list[Clip], folder: Path, publishing: Publishing, primary_engine: str = "") -> Result:
    """Assemble, check, tag, caption and publish one bulletin into ``folder``."""
    slug = check_folder(folder)
    base_url = published_base_url(publishing.base_url, publishing.local)
    folder.mkdir(parents=True, exist_ok=True)
    assemble.check_duration(sum(c.duration for c in clips), p.text)
    line = timeline.build(p.segments, clips, p.chapter_titles)
    audio = folder / f"{p.slug}.{publishing.fmt}"
    cover = folder / "cover.jpg"
    if publishing.cover is not None:
        prepare_cover(publishing.cover, cover)
    else:
        draw_cover(p.info.title, p.info.publisher or p.info.series, cover, p.info.issue)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".assemble-") as tmp:
        wav = Path(tmp) / "all.wav"
        assemble.concatenate(clips, line.silences, wav)
        tags = assemble.Tags(p.info.title, p.info.series, p.info.publisher, p.info.date, p.info.issue)
        lufs, peak = assemble.encode(wav, audio, tags, line, cover)
    captions = folder / f"{p.slug}.vtt"
    write_atomic(captions, webvtt(line))
    engines = Counter(c.engine for c in clips)
    fell_back = [c.index for c in clips if primary_engine and c.engine != primary_engine]
    meta = AudiobookMeta(
        **asdict(p.info), slug=slug, guid=bulletin_guid(slug), file=audio.name, bytes=audio.stat().st_size,
        duration=round(line.duration, 3), captions=captions.name, cover=cover.name, chapters_file="chapters.json",
        owner_email=publishing.owner_email, lufs=lufs, true_peak=peak,
        engine=primary_engine or next(iter(engines), ""), engines=dict(engines), fallback_segments=fell_back,
        segments=len(clips), chapters=[ChapterEntry(c.title, round(c.start, 3), round(c.end, 3)) for c in line.chapters],
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    write_atomic(folder / meta.chapters_file, publish.chapters_json(meta))
    write_atomic(folder / FILE, meta.to_json())
    url = publish.page_url(base_url, slug)
    publish.write_qr(url, folder)
    publish.write_page(meta, folder)
    feed = publish.write_feed(folder.parent, base_url)
    return Result(folder, audio, captions, feed, meta, url)
