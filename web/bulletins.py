"""Bulletins as the audiobook step published them: ``audio/<slug>/audiobook.json`` and its files.

The web app reads what `sohoa audiobook` wrote and never writes there. A bulletin whose metadata
says ``"access": "internal"`` is treated like an internal document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import NotFoundError
from tts.publish import feed_xml
from tts.timeline import Cue
from web.access import visible
from web.site import Site

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")
MEDIA_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/mp4", ".vtt": "text/vtt; charset=utf-8",
               ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}
STAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})")


@dataclass(frozen=True)
class Bulletin:
    slug: str
    meta: dict
    folder: Path

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.slug)

    @property
    def access(self) -> str:
        return str(self.meta.get("access") or "public")

    @property
    def sort_key(self) -> tuple[str, str]:
        return (str(self.meta.get("date") or self.meta.get("created") or ""), self.slug)

    def files(self) -> dict[str, str]:
        """The files a listener may fetch, by name: the audio, the captions, the QR code."""
        names = [self.meta.get("file"), self.meta.get("captions"), "qr.png", "qr.svg"]
        return {n: MEDIA_TYPES.get(Path(n).suffix, "application/octet-stream")
                for n in names if isinstance(n, str) and (self.folder / n).is_file()}

    def cues(self) -> list[Cue]:
        captions = self.meta.get("captions")
        path = self.folder / captions if isinstance(captions, str) else None
        return parse_webvtt(path.read_text("utf-8")) if path and path.is_file() else []


def _load(folder: Path) -> Bulletin | None:
    try:
        meta = json.loads((folder / "audiobook.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None  # half-published or foreign folder: not a bulletin yet
    return Bulletin(folder.name, meta, folder) if isinstance(meta, dict) and meta.get("file") else None


def bulletins(site: Site, member: bool) -> list[Bulletin]:
    """The bulletins this request may see, newest first."""
    root = site.audio_root
    found = [b for f in sorted(root.iterdir()) if f.is_dir() and SLUG.fullmatch(f.name) and (b := _load(f))] \
        if root.is_dir() else []
    return sorted((b for b in found if visible(b.access, member)), key=lambda b: b.sort_key, reverse=True)


def bulletin(site: Site, slug: str, member: bool) -> Bulletin:
    found = _load(site.audio_root / slug) if SLUG.fullmatch(slug) else None
    if found is None or not visible(found.access, member):
        raise NotFoundError(f"bản tin {slug[:60]}: không tìm thấy / not found")
    return found


def bulletin_file(site: Site, slug: str, name: str, member: bool) -> tuple[Path, str]:
    item = bulletin(site, slug, member)
    files = item.files()
    if name not in files:
        raise NotFoundError(f"{name[:60]}: không tìm thấy / not found")
    return item.folder / name, files[name]


def feed(site: Site, member: bool) -> bytes:
    """The podcast feed over the bulletins this request may see (rebuilt: the file on disk lists all)."""
    items = [{**b.meta, "slug": b.slug} for b in bulletins(site, member)]
    series = next((str(i.get("series")) for i in items if i.get("series")), "Bản tin sohoa")
    return feed_xml(items, site.url("/audio"), series, "sohoa")


def parse_webvtt(text: str) -> list[Cue]:
    """Cues of a WebVTT file (timing line, then text lines up to a blank line)."""
    cues: list[Cue] = []
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if "-->" not in line:
            continue
        start, _, end = line.partition("-->")
        a, b = STAMP.search(start), STAMP.search(end)
        if not (a and b):
            continue
        body = []
        for following in lines[i + 1:]:
            if not following.strip():
                break
            body.append(following.strip())
        cues.append(Cue(_seconds(a), _seconds(b), " ".join(body)))
    return cues


def _seconds(m: re.Match[str]) -> float:
    h, mnt, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mnt) * 60 + int(s) + int(ms) / 1000


def clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"
