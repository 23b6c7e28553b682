"""Publishing: the podcast feed over every bulletin folder, a QR code and a listening page each.

The feed is derived: it is rebuilt from the ``audiobook.json`` of every folder beside it, so
adding, redoing or deleting a bulletin never leaves it stale.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import qrcode
import qrcode.image.svg

from corpus.archive import write_atomic

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
MIME = {".mp3": "audio/mpeg", ".m4b": "audio/mp4"}


def _sub(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if content is not None:
        el.text = content
    return el


def _pub_date(meta: dict) -> str:
    try:
        when = datetime.fromisoformat(meta.get("date") or meta["created"])
    except (KeyError, ValueError):
        when = datetime.now(timezone.utc)
    return format_datetime(when if when.tzinfo else when.replace(tzinfo=timezone.utc))


def feed_xml(items: list[dict], base_url: str, title: str, author: str) -> bytes:
    """RSS 2.0 with iTunes tags; each item's enclosure and its captions as podcast:transcript."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", f"{base_url}/")
    _sub(channel, "description", f"{title}: bản tin đọc thành tiếng / bulletins read aloud")
    _sub(channel, "language", "vi")
    _sub(channel, f"{{{ITUNES}}}author", author)
    _sub(channel, f"{{{ITUNES}}}explicit", "false")
    _sub(channel, f"{{{ITUNES}}}category", None, text="News")
    for meta in sorted(items, key=lambda m: (m.get("date") or "", m["slug"]), reverse=True):
        folder = f"{base_url}/{meta['slug']}"
        item = _sub(channel, "item")
        _sub(item, "title", meta["title"])
        _sub(item, "description", meta.get("description") or meta["title"])
        _sub(item, "link", f"{folder}/")
        _sub(item, "guid", f"{folder}/{meta['file']}", isPermaLink="false")
        _sub(item, "pubDate", _pub_date(meta))
        _sub(item, "enclosure", url=f"{folder}/{meta['file']}", length=str(meta["bytes"]),
             type=MIME.get(Path(meta["file"]).suffix, "audio/mpeg"))
        _sub(item, f"{{{ITUNES}}}duration", str(round(meta["duration"])))
        if meta.get("issue"):
            _sub(item, f"{{{ITUNES}}}episode", str(meta["issue"]))
        _sub(item, f"{{{ITUNES}}}author", meta.get("publisher") or author)
        _sub(item, f"{{{PODCAST}}}transcript", url=f"{folder}/{meta['captions']}", type="text/vtt", language="vi")
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def write_feed(audio_root: Path, base_url: str, title: str = "Bản tin sohoa", author: str = "sohoa") -> Path:
    items = [json.loads(p.read_text("utf-8")) for p in sorted(audio_root.glob("*/audiobook.json"))]
    dest = audio_root / "feed.xml"
    write_atomic(dest, feed_xml(items, base_url.rstrip("/"), title, author))
    return dest


def write_qr(url: str, folder: Path) -> tuple[Path, Path]:
    """qr.png (for print) and qr.svg (for layout) pointing at ``url``."""
    png, svg = folder / "qr.png", folder / "qr.svg"
    qrcode.make(url, box_size=10, border=4).save(png)
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return png, svg


def write_page(meta: dict, folder: Path) -> Path:
    """index.html: the player the QR code opens, with captions and the chapter list."""
    e = html.escape
    chapters = "".join(f"<li>{e(c['title'])} ({int(c['start'] // 60)}:{int(c['start'] % 60):02d})</li>"
                       for c in meta["chapters"])
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(meta['title'])}</title></head>
<body style="font-size:1.3em;max-width:40em;margin:auto;padding:1em">
<h1>{e(meta['title'])}</h1><p>{e(meta.get('series') or '')} {e(str(meta.get('issue') or ''))} {e(meta.get('date') or '')}</p>
<audio controls preload="metadata" style="width:100%" src="{e(meta['file'])}">
<track kind="captions" srclang="vi" label="Tiếng Việt" src="{e(meta['captions'])}" default></audio>
<ol>{chapters}</ol></body></html>
"""
    dest = folder / "index.html"
    write_atomic(dest, page.encode("utf-8"))
    return dest
