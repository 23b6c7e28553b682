"""Bulletins from the browser: an uploaded .docx/.md/.txt/.pdf checked and read as `sohoa
audiobook` reads it, its read-aloud text shown with every changed word marked for proofreading,
then published by `sohoa audiobook` in a background run like a scan upload's (``sohoa.uploads``).

The run's folder holds the bulletin (and its cover) under ``files/`` named by number, never by
the uploaded name; ``run.json`` keeps the command the "Xuất bản" button starts, so what is
published is exactly what was previewed.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.archive import Archive
from corpus.models import ACCESS_LEVELS
from sohoa.errors import BadArgsError, InputFileError
from sohoa.settings import Settings
from sohoa.runs import Item, Run
from sohoa.uploads import Upload, as_uploaded
from tts.cover import prepare_cover
from tts.lexicon import Lexicon
from tts.normalize import normalize
from tts.pipeline import BulletinInfo, plan
from tts.readers import read_bulletin

COVER_SUFFIXES = (".jpg", ".jpeg", ".png")
ENGINES = ("gtts", "espeak")
PUNCTUATION = ".,;:!?…“”\"'‘’()[]|-–—*#"


@dataclass(frozen=True)
class Words:
    """A stretch of a line: ``read`` is None where the read-aloud text says what is written."""

    written: str
    read: str | None = None


def marked_lines(text: str, lexicon: Lexicon) -> list[list[Words]]:
    """Each line of ``text`` against its read-aloud form, word by word (normalisation never
    crosses a line, so the lines pair up)."""
    lines = []
    for line in text.splitlines():
        written, read = line.split(), normalize(line, lexicon).split()
        stretches = []
        matcher = difflib.SequenceMatcher(None, _words(written), _words(read), autojunk=False)
        for op, a, b, c, d in matcher.get_opcodes():
            same = op == "equal" or [w for w in _words(written[a:b]) if w] == [w for w in _words(read[c:d]) if w]
            if same and stretches and stretches[-1].read is None:  # one unmarked stretch, not two
                stretches[-1] = Words(" ".join([stretches[-1].written, *written[a:b]]))
            else:
                stretches.append(Words(" ".join(written[a:b]), None if same else " ".join(read[c:d])))
        lines.append(stretches)
    return lines


def _words(tokens: list[str]) -> list[str]:
    """Tokens without their punctuation: quotes and bars the voice drops are no change to proofread."""
    return [t.strip(PUNCTUATION) for t in tokens]


def changed_words(lines: list[list[Words]]) -> int:
    return sum(w.read is not None for line in lines for w in line)


def bulletin_and_cover(uploads: list[Upload]) -> tuple[Upload, Upload | None]:
    """The one bulletin of an upload and its optional cover image, told apart by suffix; the
    bulletin's own suffix is left to `read_bulletin`, so a bad one is refused in the command's line."""
    covers = [u for u in uploads if u.stored.suffix in COVER_SUFFIXES]
    texts = [u for u in uploads if u not in covers]
    if len(texts) != 1 or len(covers) > 1:
        raise BadArgsError("cần đúng một bản tin và nhiều nhất một ảnh bìa / one bulletin and at most one cover")
    return texts[0], (covers[0] if covers else None)


def check(settings: Settings, run: Run, folder: Path, uploads: list[Upload], form: dict[str, str]) -> list[list[Words]]:
    """Read the bulletin (and cover) as `sohoa audiobook` would, in the same lines when they are
    bad; move them out of quarantine and record the command that publishes them. Returns the
    marked read-aloud text for the preview."""
    text, cover = bulletin_and_cover(uploads)
    info = BulletinInfo(title=form.get("title", "").strip(), issue=form.get("issue", "").strip(),
                        date=form.get("date", "").strip(), publisher=form.get("publisher", "").strip(),
                        access=form.get("access", "public"))
    engine = form.get("engine", "gtts")
    if info.access not in ACCESS_LEVELS or engine not in ENGINES:
        raise BadArgsError("quyền xem hoặc giọng đọc không hợp lệ / bad access or voice")
    try:
        date.fromisoformat(info.date or "2000-01-01")
    except ValueError:
        raise BadArgsError(f"ngày không hợp lệ / bad date: {info.date} (YYYY-MM-DD)") from None
    lexicon = Lexicon.load(settings.home / "tts")
    try:
        bulletin = read_bulletin(text.stored)
        if cover:
            prepare_cover(cover.stored, folder / "cover-check.jpg")
    except InputFileError as exc:
        line = str(exc)
        for upload in (text, cover):
            line = as_uploaded(line, upload.stored, upload.name) if upload else line
        raise InputFileError(line) from None
    (folder / "cover-check.jpg").unlink(missing_ok=True)
    p = plan(bulletin.text, BulletinInfo(**vars(info)), markdown=bulletin.markdown, lexicon=lexicon)
    if not p.segments:
        raise InputFileError(f"{text.name}: không có chữ để đọc / no text to read")
    files = folder / "files"
    files.mkdir()
    kept = []
    for upload in (text, cover):
        if upload:
            os.replace(upload.stored, files / upload.stored.name)
            kept.append(files / upload.stored.name)
            run.items.append(Item(upload.name, "new", stored=upload.stored.name))
    run.kind, run.state, run.result_url = "audiobook", "preview", f"/audio/{p.slug}/"
    run.command = ["audiobook", str(kept[0]), "--engine", engine, *(["--fallback"] if engine == "gtts" else []),
                   *[arg for key in ("title", "issue", "date", "publisher", "access")
                     if getattr(info, key) for arg in (f"--{key}", getattr(info, key))],
                   *(["--cover", str(kept[1])] if cover else [])]
    run.save(folder)
    return marked_lines(bulletin.text, lexicon)


def preview(settings: Settings, run: Run, folder: Path) -> list[list[Words]]:
    """The marked read-aloud text of a run's bulletin, read again from its file."""
    lexicon = Lexicon.load(settings.home / "tts")
    return marked_lines(read_bulletin(folder / "files" / run.items[0].stored).text, lexicon)


def publish(archive: Archive, run: Run, folder: Path) -> None:
    """Mark the run as running and record who publishes it; the caller starts its process."""
    run.state = "running"
    run.save(folder)
    archive.catalog.log_event(f"upload-{run.id}", "audiobook-upload", by=run.started_by,
                              files=[i.name for i in run.items], page=run.result_url)
