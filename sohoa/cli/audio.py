"""`sohoa normalize` (proofread the read-aloud text) and `sohoa audiobook` (bulletin → audio)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sohoa.audiobook import AudiobookRequest, lexicon, make_audiobook, read_source
from sohoa.batch import StartedBy
from sohoa.errors import ExitCode
from sohoa.settings import Settings

console = Console(stderr=True)


@click.command()
@click.argument("source", metavar="FILE|-")
@click.pass_obj
def normalize(settings: Settings, source: str) -> None:
    """Print the read-aloud text of FILE (.txt, .md, .docx, .pdf; or stdin) for proofreading
    before synthesis.

    Abbreviations come from tts/data/*.tsv and, overriding them, <archive>/tts/*.tsv.
    """
    from tts.normalize import normalize as read_aloud

    text, _ = read_source(source)
    click.echo(read_aloud(text, lexicon(settings)))


class ProgressReporter:
    """One bar of segments spoken, shown once the bulletin is planned: a file refused before that
    leaves only its error line (see :func:`sohoa.audiobook.make_audiobook`)."""

    def __init__(self) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=console, transient=True)
        self.task = self.progress.add_task("đọc / speaking", total=None)

    def planned(self, segments: int) -> None:
        self.progress.update(self.task, total=segments)
        self.progress.start()

    def close(self) -> None:
        if self.progress.live.is_started:  # stopping a bar never shown would print an empty line
            self.progress.stop()

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
    """Turn a bulletin into an audiobook with chapters, captions, a podcast feed and a QR code.

    FILE is .txt, .md ("#" headings), Word .docx (Heading styles) or a PDF with a text layer
    (larger type); headings become chapters. A scanned PDF has no text: ingest it, then use --doc.

    \b
    Example:
      sohoa audiobook ban-tin-so-3.docx --issue 3 --date 2023-02-15 --publisher "Quận ủy Long Biên"
    """
    if (source is None) == (doc_id is None):
        raise click.UsageError("give FILE or --doc DOC (one of them)")
    request = AudiobookRequest(source, doc_id, info, engine, fallback, fmt, cover, out, rate, workers)
    reporter = ProgressReporter()
    try:
        result = make_audiobook(settings, request, reporter, StartedBy.command_line())
    finally:
        reporter.close()
    meta = result.metadata
    console.print(f"{result.audio}  {meta['duration'] / 60:.1f} phút / min, {len(meta['chapters'])} chương / chapters, "
                  f"{meta['engine']}" + (f" (+espeak: {len(meta['fallback_segments'])} đoạn / segments)"
                                          if meta["fallback_segments"] else ""))
    click.echo(str(result.audio))
    return ExitCode.ok
