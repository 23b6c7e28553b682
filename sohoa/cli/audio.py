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
        text = archive.reading_text(doc_id)  # no running heads; form feeds end lines as newlines do
        return text, doc.meta
    finally:
        archive.close()


def _store_polls(settings: Settings, slug: str, specs: list) -> None:  # noqa: ANN001 (corpus.polls.PollSpec)
    from corpus.archive import Archive
    from corpus.polls import PollStore

    archive = Archive(settings)
    try:
        polls = PollStore(archive.catalog.engine).sync(slug, specs)
    finally:
        archive.close()
    console.print(f"{len(polls)} phiếu thăm dò / polls: sohoa poll results {slug}", soft_wrap=True)


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
@click.option("--cover", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Cover image (JPEG/PNG), cropped to a square (default: one drawn with the title and publisher).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for this bulletin (default <archive>/audio/<date>-<title>/; feed.xml goes one level up). "
                   "Its name is the bulletin's address /audio/<name>/ on `sohoa serve`, which serves <archive>/audio/.")
@click.option("--base-url", help="Public address of `sohoa serve`, written into the QR code and the feed "
                                 "(default $SOHOA_BASE_URL). A printed QR code cannot be corrected: no localhost.")
@click.option("--local", is_flag=True, help="Allow a localhost or unset address (trying things on this machine only).")
@click.option("--owner-email", envvar="SOHOA_OWNER_EMAIL", default="",
              help="The feed's owner e-mail (itunes:owner), which podcast directories require ($SOHOA_OWNER_EMAIL).")
@click.option("--access", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal: only members hear it; the public podcast feed leaves it out.")
@click.option("--rate", type=click.FloatRange(0.05, 20), default=1.0, show_default=True, help="gTTS requests a second.")
@click.option("--workers", type=click.IntRange(1, 32), help="Segments spoken at once (default: 2 for gtts, cores for espeak).")
@click.pass_obj
def audiobook(settings: Settings, source: str | None, doc_id: str | None, engine: str, fallback: bool, fmt: str,
              cover: Path | None, out: Path | None, base_url: str | None, local: bool, owner_email: str, rate: float,
              workers: int | None, **info: str) -> ExitCode:
    """Turn a bulletin (.txt, .md, Word .docx, a PDF with a text layer: headings become chapters)
    into an audiobook with chapters, captions, a podcast feed and a QR code.

    \b
    Example:
      export SOHOA_BASE_URL=https://bantin.example.vn SOHOA_OWNER_EMAIL=tuyengiao@example.vn
      sohoa audiobook ban-tin-so-3.txt --issue 3 --date 2023-02-15 --publisher "Quận ủy Long Biên"
    """
    if (source is None) == (doc_id is None):
        raise click.UsageError("cần FILE hoặc --doc DOC (một trong hai) / give FILE or --doc DOC")
    from tts.pipeline import BulletinInfo, Publishing, check_folder, plan
    from tts.publish import published_base_url

    # Checked before any speech is synthesised: a wrong address must not cost a long run.
    publishing = Publishing(published_base_url(base_url or settings.base_url, local), local, fmt, cover,
                            owner_email.strip())

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
    check_folder(folder)
    if folder.absolute().parent != (settings.home / "audio").absolute():
        console.print(f"[yellow]lưu ý: `sohoa serve` chỉ phục vụ {settings.home / 'audio'}/; "
                      f"chép {folder.name}/ vào đó để mã QR mở được trang nghe[/yellow]", soft_wrap=True)
    if not publishing.owner_email:
        console.print("[yellow]lưu ý: podcast chưa có email chủ sở hữu "
                      "(--owner-email hoặc SOHOA_OWNER_EMAIL): "
                      "các thư mục podcast sẽ từ chối[/yellow]", soft_wrap=True)
    cache = SegmentCache(settings.home / "audio" / ".cache")
    workers = workers or (2 if engine == "gtts" else settings.jobs)

    flows = runtime.load_flows(settings, "flows.audiobook")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        result = flows.run_audiobook(settings, p, voice, cache, folder.absolute(), publishing, spare, workers,
                                     ProgressReporter(progress, len(p.segments)))
    meta = result.metadata
    console.print(f"{result.audio}  {meta.duration / 60:.1f} phút / min, {len(meta.chapters)} chương / chapters, "
                  f"{meta.engine}" + (f" (+espeak: {len(meta.fallback_segments)} đoạn / segments)"
                                      if meta.fallback_segments else ""), soft_wrap=True)
    if p.polls:
        _store_polls(settings, result.metadata.slug, p.polls)
    console.print(f"mã QR / QR code → {result.page_url}", soft_wrap=True)
    click.echo(str(result.audio))
    return ExitCode.ok
