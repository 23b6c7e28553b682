"""Bulletins as the audiobook step published them: ``audio/<slug>/audiobook.json`` and its files.

The web app reads what `sohoa audiobook` wrote and never writes there. A bulletin whose metadata
says ``"access": "internal"`` is treated like an internal document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import NotFoundError
from tts.meta import SLUG, AudiobookMeta
from tts.publish import feed_xml
from tts.timeline import Cue
from web.access import visible
from web.site import Site

MEDIA_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/mp4", ".vtt": "text/vtt; charset=utf-8",
               ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
               ".json": "application/json+chapters"}
STAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})")


class InternalBulletin(NotFoundError):
    """An internal bulletin asked for without the member credential: the page offers a sign-in."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"bản tin {slug[:60]} chỉ dành cho thành viên: hãy đăng nhập")
        self.slug = slug


@dataclass(frozen=True)
class Bulletin:
    meta: AudiobookMeta
    folder: Path

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def title(self) -> str:
        return self.meta.title or self.slug

    @property
    def access(self) -> str:
        return self.meta.access

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.meta.date or self.meta.created, self.slug)

    def files(self) -> dict[str, str]:
        """The files a listener may fetch, by name: audio, captions, chapters, cover, QR code."""
        m = self.meta
        names = [m.file, m.captions, m.chapters_file, m.cover, "qr.png", "qr.svg"]
        return {n: MEDIA_TYPES.get(Path(n).suffix, "application/octet-stream")
                for n in names if n and "/" not in n and (self.folder / n).is_file()}

    def cues(self) -> list[Cue]:
        path = self.folder / self.meta.captions if self.meta.captions else None
        return parse_webvtt(path.read_text("utf-8")) if path and path.is_file() else []


def _load(folder: Path) -> Bulletin | None:
    try:
        meta = AudiobookMeta.read(folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # half-published or foreign folder: not a bulletin yet
    return Bulletin(meta, folder) if meta.file else None


def bulletins(site: Site, member: bool) -> list[Bulletin]:
    """The bulletins this request may see, newest first."""
    root = site.audio_root
    found = [b for f in sorted(root.iterdir()) if f.is_dir() and SLUG.fullmatch(f.name) and (b := _load(f))] \
        if root.is_dir() else []
    return sorted((b for b in found if visible(b.access, member)), key=lambda b: b.sort_key, reverse=True)


def bulletin(site: Site, slug: str, member: bool) -> Bulletin:
    found = _load(site.audio_root / slug) if SLUG.fullmatch(slug) else None
    if found is None:
        raise NotFoundError(f"bản tin {slug[:60]}: không tìm thấy")
    if not visible(found.access, member):
        raise InternalBulletin(slug)
    return found


def bulletin_file(site: Site, slug: str, name: str, member: bool) -> tuple[Path, str]:
    item = bulletin(site, slug, member)
    files = item.files()
    if name not in files:
        raise NotFoundError(f"{name[:60]}: không tìm thấy")
    return item.folder / name, files[name]


def feed(site: Site, member: bool, base_url: str) -> bytes:
    """The podcast feed over the bulletins this request may see (rebuilt: the file on disk lists all)."""
    return feed_xml([b.meta for b in bulletins(site, member)], base_url)


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
