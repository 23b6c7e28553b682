"""`sohoa normalize` (proofread the read-aloud text) and `sohoa audiobook` (bulletin → audio)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sohoa import runtime
from sohoa.errors import ExitCode, InputFileError, NotFoundError
from sohoa.settings import Settings

if TYPE_CHECKING:
    from corpus.models import DocumentMeta

console = Console(stderr=True)


def _read(source: str) -> tuple[str, bool]:
    """The text of FILE (.txt, .md, .docx, a PDF with a text layer) or of stdin ("-"), and whether
    it is Markdown (Word's and PDF's headings arrive as Markdown headings)."""
    if source == "-":
        return sys.stdin.read(), False
    from tts.readers import read_bulletin

    bulletin = read_bulletin(Path(source))
    return bulletin.text, bulletin.markdown


def _lexicon(settings: Settings):  # noqa: ANN202
    from tts.lexicon import Lexicon

    return Lexicon.load(settings.home / "tts")


@click.command()
@click.argument("source", metavar="FILE|-")
@click.pass_obj
def normalize(settings: Settings, source: str) -> None:
    """Print the read-aloud text of FILE (.txt, .md, .docx, .pdf; or stdin) for proofreading before synthesis.

    Abbreviations come from tts/data/*.tsv and, overriding them, <archive>/tts/*.tsv.
    """
    from tts.normalize import normalize as read_aloud

    text, _ = _read(source)
    click.echo(read_aloud(text, _lexicon(settings)))


def _document_text(settings: Settings, doc_id: str) -> tuple[str, DocumentMeta]:
    from corpus.archive import Archive

    archive = Archive(settings)
    try:
        doc = archive.catalog.document(doc_id)
        if doc is None:
            raise NotFoundError(f"không có tài liệu / no document {doc_id}")
        text = archive.document_text(doc_id)  # form feeds end lines as newlines do
        return text, doc.meta
    finally:
        archive.close()


class ProgressReporter:
    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("đọc / speaking", total=total)

    def clip_done(self, clip) -> None:  # noqa: ANN001 (a tts.synthesize.Clip)
        self.progress.advance(self.task)


@click.command()
@click.argument("source", metavar="FILE", required=False)
@click.option("--doc", "doc_id", help="A document already in the archive (e.g. an OCR'd bulletin).")
@click.option("--title", default="", help="Title (default: the first line, or the document's title).")
@click.option("--issue", default="", help="Issue number of the bulletin.")
@click.option("--date", default="", help="Date of the issue, YYYY-MM-DD.")
@click.option("--publisher", default="", help="Who publishes it: 'Ban Tuyên giáo Quận ủy Long Biên'.")
@click.option("--series", default="", help="Series (album) name (default: 'Bản tin <publisher>').")
@click.option("--engine", type=click.Choice(["gtts", "espeak"]), default="gtts", show_default=True,
              help="gtts: Google's voice, online. espeak: espeak-ng, offline and robotic.")
@click.option("--fallback", is_flag=True, help="If gTTS fails for a segment, speak it with espeak (recorded).")
@click.option("--format", "fmt", type=click.Choice(["mp3", "m4b"]), default="mp3", show_default=True)
@click.option("--cover", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Cover image (JPEG/PNG).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for this bulletin (default <archive>/audio/<date>-<title>/; feed.xml goes one level up).")
@click.option("--access", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal: only members hear it; the public podcast feed leaves it out.")
@click.option("--rate", type=click.FloatRange(0.05, 20), default=1.0, show_default=True, help="gTTS requests a second.")
@click.option("--workers", type=click.IntRange(1, 32), help="Segments spoken at once (default: 2 for gtts, cores for espeak).")
@click.pass_obj
def audiobook(settings: Settings, source: str | None, doc_id: str | None, engine: str, fallback: bool, fmt: str,
              cover: Path | None, out: Path | None, rate: float, workers: int | None, **info: str) -> ExitCode:
    """Turn a bulletin (.txt, .md, Word .docx, a PDF with a text layer: headings become chapters)
    into an audiobook with chapters, captions, a podcast feed and a QR code.

    \b
    Example:
      sohoa audiobook ban-tin-so-3.txt --issue 3 --date 2023-02-15 --publisher "Quận ủy Long Biên"
    """
    if (source is None) == (doc_id is None):
        raise click.UsageError("give FILE or --doc DOC (one of them)")
    from tts.pipeline import BulletinInfo, plan

    if doc_id:
        text, meta = _document_text(settings, doc_id)
        markdown = False
        # An audiobook of an internal document is internal too, whatever the flags say.
        info.update(title=info["title"] or meta.title, source_doc=doc_id,
                    access="internal" if meta.access == "internal" else info["access"])
    else:
        text, markdown = _read(source or "-")
    p = plan(text, BulletinInfo(**info), markdown=markdown, lexicon=_lexicon(settings))
    if not p.segments:
        raise InputFileError(f"{source or doc_id}: không có chữ để đọc / no text to read")

    from tts.cache import SegmentCache
    from tts.engines import make_engine

    voice = make_engine("gtts", per_second=rate) if engine == "gtts" else make_engine("espeak")
    spare = make_engine("espeak") if fallback and engine != "espeak" else None
    folder = out or settings.home / "audio" / p.slug
    cache = SegmentCache(settings.home / "audio" / ".cache")
    workers = workers or (2 if engine == "gtts" else settings.jobs)

    flows = runtime.load_flows(settings, "flows.audiobook")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        result = flows.run_audiobook(settings, p, voice, cache, folder.absolute(), spare, fmt, cover, workers,
                               ProgressReporter(progress, len(p.segments)))
    meta = result.metadata
    console.print(f"{result.audio}  {meta['duration'] / 60:.1f} phút / min, {len(meta['chapters'])} chương / chapters, "
                  f"{meta['engine']}" + (f" (+espeak: {len(meta['fallback_segments'])} đoạn / segments)"
                                          if meta["fallback_segments"] else ""))
    click.echo(str(result.audio))
    return ExitCode.ok
