"""`sohoa poll add|results` (opinion polls on bulletins) and `sohoa listens` (plays per day)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.table import Table

from corpus.archive import Archive
from corpus.polls import PollStore, check_spec
from sohoa.errors import ExitCode, NotFoundError
from sohoa.settings import Settings

console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 132)


@contextmanager
def _archive(settings: Settings, bulletin: str | None = None) -> Iterator[Archive]:
    """The archive, after checking that ``bulletin`` was published there (audio/<bulletin>/)."""
    if bulletin is not None and not (settings.home / "audio" / bulletin / "audiobook.json").is_file():
        raise NotFoundError(f"không có bản tin '{bulletin[:60]}' trong {settings.home / 'audio'} "
                            "(tên là thư mục của bản tin, như trong địa chỉ /audio/<tên>/)")
    archive = Archive(settings)
    try:
        yield archive
    finally:
        archive.close()


@click.group()
def poll() -> None:
    """Opinion polls shown under a bulletin's player ("phiếu thăm dò ý kiến").

    \b
    A poll can also be written in the bulletin's Markdown, as a fenced block:
      ```poll
      Giờ sinh hoạt chi bộ nào thuận tiện nhất?
      - Sáng thứ Bảy
      - Tối thứ Năm
      ```
    """


@poll.command("add")
@click.argument("bulletin")
@click.argument("question")
@click.argument("choices", nargs=-1, required=True)
@click.pass_obj
def add(settings: Settings, bulletin: str, question: str, choices: tuple[str, ...]) -> ExitCode:
    """Add a poll to BULLETIN (its folder name): QUESTION, then two or more CHOICES.

    \b
    Example:
      sohoa poll add 2024-03-10-ban-tin-phuong "Giờ sinh hoạt nào thuận tiện?" "Sáng thứ Bảy" "Tối thứ Năm"
    """
    spec = check_spec(question, choices)
    with _archive(settings, bulletin) as archive:
        added = PollStore(archive.catalog.engine).add(bulletin, spec)
    console.print(f"phiếu thăm dò số {added.id}: {added.question} ({len(added.choices)} lựa chọn)")
    return ExitCode.ok


@poll.command("remove")
@click.argument("bulletin")
@click.argument("poll_id", type=int, metavar="POLL")
@click.pass_obj
def remove(settings: Settings, bulletin: str, poll_id: int) -> ExitCode:
    """Remove poll number POLL (see `sohoa poll results`) from BULLETIN, with its answers.

    Correcting a ```poll block and running `sohoa audiobook` again adds the corrected poll beside
    the old one: remove the old one with this.
    """
    with _archive(settings, bulletin) as archive:
        gone = PollStore(archive.catalog.engine).remove(bulletin, poll_id)
    console.print(f"đã xóa phiếu thăm dò số {gone.id}: {gone.question} ({gone.total} ý kiến)")
    return ExitCode.ok


@poll.command("results")
@click.argument("bulletin")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout: poll, question, choice, label, votes, percent.")
@click.pass_obj
def results(settings: Settings, bulletin: str, as_csv: bool) -> ExitCode:
    """The answers to BULLETIN's polls: votes and share of each choice."""
    with _archive(settings, bulletin) as archive:
        polls = PollStore(archive.catalog.engine).polls(bulletin)
    if as_csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["poll", "question", "choice", "label", "votes", "percent"])
        for p in polls:
            for c in p.choices:
                out.writerow([p.id, p.question, c.id, c.label, c.votes, _percent(c.votes, p.total)])
        return ExitCode.ok
    if not polls:
        console.print(f"bản tin {bulletin} chưa có phiếu thăm dò nào")
    for p in polls:
        table = Table(title=f"#{p.id} {p.question} ({p.total} ý kiến)", title_justify="left")
        for name, justify in (("lựa chọn", "left"), ("số ý kiến", "right"), ("%", "right"), ("", "left")):
            table.add_column(name, justify=justify)
        for c in p.choices:
            share = _percent(c.votes, p.total)
            table.add_row(c.label, str(c.votes), f"{share:.0f}", "█" * round(share / 5))
        console.print(table)
    return ExitCode.ok


def _percent(votes: int, total: int) -> float:
    return round(100 * votes / total, 1) if total else 0.0


@click.command()
@click.argument("bulletin", required=False)
@click.pass_obj
def listens(settings: Settings, bulletin: str | None) -> ExitCode:
    """Plays per bulletin per day (a play: 30 seconds heard); only counts, never who listened."""
    from corpus.listens import plays

    with _archive(settings, bulletin) as archive:
        rows = plays(archive.catalog.engine, bulletin)
    table = Table(title="Lượt nghe / plays", title_justify="left")
    for name, justify in (("ngày", "left"), ("bản tin", "left"), ("lượt nghe", "right")):
        table.add_column(name, justify=justify)
    for slug, day, count in rows:
        table.add_row(day, slug, str(count))
    table.add_row("", "tổng", str(sum(r[2] for r in rows)))
    console.print(table)
    return ExitCode.ok
