"""An audiobook as an editor asks for it: a bulletin file or an archived document, the issue's
details and the voice. `sohoa audiobook` and the deployed audiobook flow (`flows.deployments`,
started from the Prefect UI) both call :func:`make_audiobook`, so that both publish the same files.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sohoa import runtime
from sohoa.batch import StartedBy
from sohoa.errors import InputFileError, NotFoundError
from sohoa.settings import Settings
from sohoa.vietnamese import nfc

if TYPE_CHECKING:
    from corpus.models import DocumentMeta
    from tts.lexicon import Lexicon
    from tts.pipeline import Result


@dataclass
class AudiobookRequest:
    source: str | None = None  # a bulletin file (.txt, .md, .docx, .pdf), or "-" for stdin
    doc_id: str | None = None  # or a document already in the archive
    info: dict[str, str] = field(default_factory=dict)  # tts.pipeline.BulletinInfo's fields
    engine: str = "gtts"  # or "espeak"
    fallback: bool = False  # gTTS's failed segments spoken by espeak
    fmt: str = "mp3"
    cover: Path | None = None
    out: Path | None = None  # default <archive>/audio/<slug>/
    rate: float = 1.0  # gTTS requests a second
    workers: int | None = None


def read_source(source: str) -> tuple[str, bool]:
    """The text of a bulletin file (Word's and PDF's headings arrive as Markdown headings) or of
    stdin ("-"), and whether it is Markdown."""
    if source == "-":
        return sys.stdin.read(), False
    from tts.readers import read_bulletin

    bulletin = read_bulletin(Path(source))
    return bulletin.text, bulletin.markdown


def lexicon(settings: Settings) -> Lexicon:
    """The abbreviations of tts/data/*.tsv and, overriding them, <archive>/tts/*.tsv."""
    from tts.lexicon import Lexicon

    return Lexicon.load(settings.home / "tts")


def document_text(settings: Settings, doc_id: str) -> tuple[str, DocumentMeta]:
    from corpus.archive import Archive

    archive = Archive(settings)
    try:
        doc = archive.catalog.document(doc_id)
        if doc is None:
            raise NotFoundError(f"không có tài liệu / no document {doc_id}")
        return archive.document_text(doc_id), doc.meta  # form feeds end lines as newlines do
    finally:
        archive.close()


def make_audiobook(settings: Settings, request: AudiobookRequest, reporter: Any = None,
                   started_by: StartedBy | None = None) -> Result:
    """Read, plan and speak the bulletin through the audiobook flow; ``reporter`` has
    ``planned(segments)`` and ``clip_done(clip)``. The run's provenance event says who started it."""
    from tts.pipeline import BulletinInfo, plan

    info = {name: nfc(value) for name, value in request.info.items()}  # flags and form fields as typed
    if request.doc_id:
        text, meta = document_text(settings, request.doc_id)
        markdown = False
        # An audiobook of an internal document is internal too, whatever the request says.
        info.update(title=info.get("title") or meta.title, source_doc=request.doc_id,
                    access="internal" if meta.access == "internal" else info.get("access", "public"))
    else:
        text, markdown = read_source(request.source or "-")
    p = plan(text, BulletinInfo(**info), markdown=markdown, lexicon=lexicon(settings))
    if not p.segments:
        raise InputFileError(f"{request.source or request.doc_id}: không có chữ để đọc / no text to read")
    if reporter is not None:
        reporter.planned(len(p.segments))

    from tts.cache import SegmentCache
    from tts.engines import make_engine

    voice = make_engine("gtts", per_second=request.rate) if request.engine == "gtts" else make_engine("espeak")
    spare = make_engine("espeak") if request.fallback and request.engine != "espeak" else None
    folder = request.out or settings.home / "audio" / p.slug
    cache = SegmentCache(settings.home / "audio" / ".cache")
    workers = request.workers or (2 if request.engine == "gtts" else settings.jobs)
    flows = runtime.load_flows(settings, "flows.audiobook")
    return flows.run_audiobook(settings, p, voice, cache, folder.absolute(), spare, request.fmt, request.cover,
                               workers, reporter, started_by)
