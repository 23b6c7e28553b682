"""Publishing: the podcast feed over every bulletin folder, a QR code and a listening page each.

Published addresses are explicit: a QR code printed on paper cannot be corrected, so a feed or
QR code is never written for an unset or loopback base URL unless the user asked for ``--local``.
The feed is derived: it is rebuilt from the ``audiobook.json`` of every folder beside it, so
adding, redoing or deleting a bulletin never leaves it stale.
"""

from __future__ import annotations

import html
import ipaddress
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import qrcode
import qrcode.image.svg

from corpus.archive import write_atomic
from sohoa.errors import BadArgsError
from tts.meta import AudiobookMeta

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
for prefix, uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM)):
    ET.register_namespace(prefix, uri)
MIME = {".mp3": "audio/mpeg", ".m4b": "audio/mp4"}
# podcast:guid is a UUIDv5 in this namespace (Podcasting 2.0); named by the series, not the host.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
LOCAL_BASE_URL = "http://localhost:8000"  # what --local publishes under when nothing is set
BASE_URL_HINT = "đặt SOHOA_BASE_URL hoặc --base-url (địa chỉ công khai, ví dụ https://bantin.example.vn)"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def published_base_url(url: str, local: bool = False) -> str:
    """The base URL QR codes and feeds start with; refuses one a listener's phone cannot reach."""
    url = url.strip().rstrip("/")
    if not url:
        if local:
            return LOCAL_BASE_URL
        raise BadArgsError(f"chưa có địa chỉ công khai cho mã QR và podcast: {BASE_URL_HINT}, "
                           "hoặc --local để thử trên máy này")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadArgsError(f"địa chỉ công khai '{url[:80]}' không hợp lệ: {BASE_URL_HINT}")
    if is_loopback(parts.hostname) and not local:
        raise BadArgsError(f"'{url[:80]}' chỉ mở được trên máy này, mã QR in ra sẽ hỏng: {BASE_URL_HINT}, "
                           "hoặc --local nếu chỉ thử")
    return url


def page_url(base_url: str, slug: str) -> str:
    """The listening page: the path `sohoa serve` answers, ``/audio/<slug>/``."""
    return f"{base_url}/audio/{slug}/"


def _sub(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if content is not None:
        el.text = content
    return el


def _pub_date(meta: AudiobookMeta) -> str:
    try:
        when = datetime.fromisoformat(meta.date or meta.created)
    except ValueError:
        when = datetime.now(timezone.utc)
    return format_datetime(when if when.tzinfo else when.replace(tzinfo=timezone.utc))


def _channel(rss: ET.Element, newest: AudiobookMeta, base_url: str) -> ET.Element:
    """The show: named, owned and pictured after its newest bulletin."""
    title = newest.series or "Bản tin sohoa"
    author = newest.publisher or "sohoa"
    audio = f"{base_url}/audio"
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", f"{audio}/")
    _sub(channel, f"{{{ATOM}}}link", href=f"{audio}/feed.xml", rel="self", type="application/rss+xml")
    _sub(channel, "description", f"{title}: bản tin đọc thành tiếng")
    _sub(channel, "language", "vi")
    _sub(channel, f"{{{ITUNES}}}author", author)
    if newest.owner_email:
        owner = _sub(channel, f"{{{ITUNES}}}owner")
        _sub(owner, f"{{{ITUNES}}}name", author)
        _sub(owner, f"{{{ITUNES}}}email", newest.owner_email)
    if newest.cover:
        cover = f"{audio}/{newest.slug}/{newest.cover}"
        _sub(channel, f"{{{ITUNES}}}image", href=cover)
        image = _sub(channel, "image")
        _sub(image, "url", cover)
        _sub(image, "title", title)
        _sub(image, "link", f"{audio}/")
    _sub(channel, f"{{{ITUNES}}}explicit", "false")
    _sub(channel, f"{{{ITUNES}}}category", None, text="News")
    _sub(channel, f"{{{PODCAST}}}guid", str(uuid.uuid5(PODCAST_GUID_NAMESPACE, f"sohoa/{title}")))
    return channel


def feed_xml(items: Sequence[AudiobookMeta], base_url: str) -> bytes:
    """RSS 2.0 with the iTunes and Podcasting 2.0 tags directories check; newest bulletin first.

    ``base_url`` is the site's root; every bulletin lives under ``/audio/<slug>/``. Item GUIDs
    are host-free UUIDs, so a change of address does not duplicate episodes.
    """
    ordered = sorted(items, key=lambda m: (m.date or m.created, m.slug), reverse=True)
    rss = ET.Element("rss", {"version": "2.0"})
    placeholder = AudiobookMeta(slug="", title="", file="", duration=0)
    channel = _channel(rss, ordered[0] if ordered else placeholder, base_url)
    for meta in ordered:
        folder = f"{base_url}/audio/{meta.slug}"
        item = _sub(channel, "item")
        _sub(item, "title", meta.title)
        _sub(item, "description", meta.title)
        _sub(item, "link", f"{folder}/")
        _sub(item, "guid", meta.id, isPermaLink="false")
        _sub(item, "pubDate", _pub_date(meta))
        _sub(item, "enclosure", url=f"{folder}/{meta.file}", length=str(meta.bytes),
             type=MIME.get(Path(meta.file).suffix, "audio/mpeg"))
        _sub(item, f"{{{ITUNES}}}duration", str(round(meta.duration)))
        if meta.issue:
            _sub(item, f"{{{ITUNES}}}episode", str(meta.issue))
        _sub(item, f"{{{ITUNES}}}author", meta.publisher or "sohoa")
        if meta.cover:
            _sub(item, f"{{{ITUNES}}}image", href=f"{folder}/{meta.cover}")
        if meta.captions:
            _sub(item, f"{{{PODCAST}}}transcript", url=f"{folder}/{meta.captions}", type="text/vtt", language="vi")
        if meta.chapters_file:
            _sub(item, f"{{{PODCAST}}}chapters", url=f"{folder}/{meta.chapters_file}", type="application/json+chapters")
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def read_all(audio_root: Path) -> list[AudiobookMeta]:
    """Every bulletin published under ``audio_root`` (folders without a readable audiobook.json are skipped)."""
    found = []
    for folder in sorted(p.parent for p in audio_root.glob("*/audiobook.json")):
        try:
            found.append(AudiobookMeta.read(folder))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-published or foreign folder: not a bulletin yet
    return found


def write_feed(audio_root: Path, base_url: str) -> Path:
    # The static feed is public: members get internal bulletins through the web app's own feed.
    items = [m for m in read_all(audio_root) if not m.internal]
    dest = audio_root / "feed.xml"
    write_atomic(dest, feed_xml(items, base_url))
    return dest


def chapters_json(meta: AudiobookMeta) -> str:
    """Podcasting 2.0 JSON chapters (``podcast:chapters``)."""
    return json.dumps({"version": "1.2.0", "chapters": [{"startTime": c.start, "endTime": c.end, "title": c.title}
                                                        for c in meta.chapters]}, ensure_ascii=False, indent=2)


def write_qr(url: str, folder: Path) -> tuple[Path, Path]:
    """qr.png (for print) and qr.svg (for layout) pointing at ``url``."""
    png, svg = folder / "qr.png", folder / "qr.svg"
    qrcode.make(url, box_size=10, border=4).save(png)
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return png, svg


def write_page(meta: AudiobookMeta, folder: Path) -> Path:
    """index.html: a plain player for when the folder is served by any static web server."""
    e = html.escape
    chapters = "".join(f"<li>{e(c.title)} ({int(c.start // 60)}:{int(c.start % 60):02d})</li>" for c in meta.chapters)
    track = (f'<track kind="captions" srclang="vi" label="Tiếng Việt" src="{e(meta.captions)}" default>'
             if meta.captions else "")
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(meta.title)}</title></head>
<body style="font-size:1.3em;max-width:40em;margin:auto;padding:1em">
<h1>{e(meta.title)}</h1><p>{e(meta.series)} {e(meta.issue)} {e(meta.display_date)}</p>
<audio controls preload="metadata" style="width:100%" src="{e(meta.file)}">{track}</audio>
<ol>{chapters}</ol></body></html>
"""
    dest = folder / "index.html"
    write_atomic(dest, page.encode("utf-8"))
    return dest
