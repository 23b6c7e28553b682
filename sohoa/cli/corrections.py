"""Corrections from the command line: correct, history, editors, review (the editors' queue)."""

from __future__ import annotations

import difflib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sohoa.errors import BadArgsError, ExitCode, InputFileError, NotFoundError, SohoaError
from sohoa.settings import Settings

if TYPE_CHECKING:
    from corpus.archive import Archive


def _archive(settings: Settings) -> "Archive":
    from sohoa.cli.archive import _open

    return _open(settings)


def _editor(archive: "Archive", name: str | None) -> str:
    from corpus.editors import is_editor

    if not name:
        raise BadArgsError("nói ai sửa / say who corrects: --editor NAME (or $SOHOA_EDITOR); see `sohoa editors list`")
    if not is_editor(archive.catalog, name):
        raise NotFoundError(f"không có biên tập viên / no editor '{name}' (add one: sohoa editors add {name})")
    return name


def first_difference(current: list[str], given: list[str]) -> str:
    """The first line where ``given`` departs from the page, for an error message."""
    from ocr.relayout import clean_line

    for number, (old, new) in enumerate(zip(current, given), start=1):
        if clean_line(old) != clean_line(new):
            return f"dòng / line {number}: trang có / page has “{old}”, tệp có / file has “{new}”"
    number = min(len(current), len(given)) + 1
    return f"dòng / line {number}: " + ("thừa trong tệp / extra in the file" if len(given) > len(current)
                                         else "thiếu trong tệp / missing from the file")


def _read_lines(path: Path) -> list[str]:
    """The file's non-blank lines: `sohoa text` separates paragraphs by a blank line, not a line."""
    try:
        return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: không đọc được văn bản UTF-8 / not readable UTF-8 text ({exc})") from None


def correct_page(archive: "Archive", doc_id: str, page_no: int, lines: list[str], editor: str,
                 refresh: bool = True) -> str:
    """Save ``lines`` as the page's next version; a line count that differs names the first odd line."""
    from sohoa import corrections

    current = corrections.history(archive, doc_id, page_no)[-1]
    if len(lines) != len(current.lines):
        raise BadArgsError(f"trang {page_no}: {len(lines)} dòng, trang có {len(current.lines)} / line count differs; "
                           + first_difference(current.lines, lines))
    saved = corrections.save_lines(archive, doc_id, page_no, lines, author=editor, base=current.version,
                                   refresh=refresh)
    if saved.version is None:
        return f"trang {page_no}: không đổi, đánh dấu đã kiểm tra / unchanged, marked checked"
    return f"trang {page_no}: phiên bản / version {saved.version.version} ({saved.seconds_downstream:.1f} s)"


@click.command()
@click.argument("doc_id")
@click.option("--page", "page_no", type=int, help="The page to correct (with --text or --revert).")
@click.option("--text", "text_file", type=click.Path(dir_okay=False, path_type=Path),
              help="UTF-8 file: the page's corrected text, one line per OCR line, as `sohoa text DOC --page N` "
                   "prints it (blank lines are ignored).")
@click.option("--from-export", "export_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of ALTO files (page-0001.alto.xml…, as `sohoa export --format alto` wrote them) "
                   "corrected in another tool.")
@click.option("--revert", "revert_to", type=int, help="Make this earlier version the page's text again (a new version).")
@click.option("--editor", envvar="SOHOA_EDITOR", help="Who corrects (an account of `sohoa editors`; or $SOHOA_EDITOR).")
@click.pass_obj
def correct(settings: Settings, doc_id: str, page_no: int | None, text_file: Path | None, export_dir: Path | None,
            revert_to: int | None, editor: str | None) -> ExitCode:
    """Correct a page's text: a new version, and its text, hOCR, ALTO, PDF layer and search entry follow.

    \b
      sohoa text DOC --page 3 > trang3.txt      (edit it, keeping one line per line)
      sohoa correct DOC --page 3 --text trang3.txt --editor lan
      sohoa correct DOC --from-export alto-da-sua/ --editor lan
      sohoa correct DOC --page 3 --revert 1 --editor lan
    """
    from sohoa import corrections
    from sohoa.cli.archive import _document

    if sum(x is not None for x in (text_file, export_dir, revert_to)) != 1:
        raise click.UsageError("give one of --text FILE, --from-export DIR, --revert K")
    if export_dir is None and page_no is None:
        raise click.UsageError("--text and --revert need --page N")
    archive = _archive(settings)
    doc = _document(archive, doc_id)
    who = _editor(archive, editor)
    if text_file is not None:
        click.echo(correct_page(archive, doc.id, page_no, _read_lines(text_file), who))  # type: ignore[arg-type]
        return ExitCode.ok
    if revert_to is not None:
        base = corrections.history(archive, doc.id, page_no)[-1].version  # type: ignore[arg-type]
        saved = corrections.revert(archive, doc.id, page_no, revert_to, author=who, base=base)  # type: ignore[arg-type]
        click.echo(f"trang {page_no}: phiên bản {revert_to} → phiên bản mới / new version {saved.version.version}")  # type: ignore[union-attr]
        return ExitCode.ok
    return _from_export(archive, doc.id, export_dir, who)  # type: ignore[arg-type]


def _from_export(archive: "Archive", doc_id: str, folder: Path, editor: str) -> ExitCode:
    """Every page-NNNN.alto.xml of the folder as a correction; the document is refreshed once, at the end."""
    from rich.progress import Progress

    from ocr.alto import alto_lines
    from sohoa.corrections import refresh_document

    files = sorted(folder.glob("page-*.alto.xml"))
    if not files:
        raise InputFileError(f"{folder}: không có tệp page-NNNN.alto.xml / no ALTO files")
    failed = 0
    with Progress(transient=True) as progress:
        for path in progress.track(files, description="Hiệu đính / correcting"):
            try:
                page_no = int(path.name.split("-")[1].split(".")[0])
                progress.console.print(correct_page(archive, doc_id, page_no, alto_lines(path), editor, refresh=False),
                                       highlight=False)
            except (SohoaError, ValueError) as exc:
                failed += 1
                click.echo(f"✗ {path.name}: {exc}", err=True)
        refresh_document(archive, doc_id)
    return ExitCode.partial_failure if failed else ExitCode.ok


@click.command()
@click.argument("doc_id")
@click.option("--page", "page_no", type=int, help="Only this page.")
@click.pass_obj
def history(settings: Settings, doc_id: str, page_no: int | None) -> None:
    """Who changed which page's text, when, and what: each version as a diff of the one before."""
    from corpus.revisions import Revisions
    from sohoa import corrections
    from sohoa.cli.archive import _document

    archive = _archive(settings)
    doc = _document(archive, doc_id)
    numbers = [page_no] if page_no else sorted({v.page_no for v in Revisions(archive.catalog).versions(doc.id)})
    if not numbers:
        click.echo(f"{doc.id}: chưa trang nào được hiệu đính / no page corrected yet")
    for number in numbers:
        versions = corrections.history(archive, doc.id, number)
        for before, version in zip([None, *versions], versions):
            who = "OCR (Tesseract)" if version.author == "ocr" else version.author
            click.echo(f"trang {number} · phiên bản {version.version} · {who} · {version.action} · {version.at}")
            if before is not None:
                for row in difflib.unified_diff(before.lines, version.lines, f"v{before.version}", f"v{version.version}",
                                                lineterm="", n=0):
                    click.echo(f"    {row}")


@click.command()
@click.argument("doc_id", required=False)
@click.option("--commune", help="Only this commune or ward.")
@click.option("--year", type=int, help="Only this year.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--checked", "checked_page", type=int, metavar="N",
              help="Mark page N of DOC checked with no change (it leaves the queue); needs --editor.")
@click.option("--editor", envvar="SOHOA_EDITOR", help="Who checked it (with --checked; or $SOHOA_EDITOR).")
@click.pass_obj
def review(settings: Settings, doc_id: str | None, commune: str | None, year: int | None, as_json: bool,
           checked_page: int | None, editor: str | None) -> None:
    """The editors' queue: flagged pages nobody has checked or corrected yet, worst first.

    Also the pages where the OCR guard stepped in (sohoa's reading was doubtful and the untouched
    page was read again as bare Tesseract reads it): which reading was kept is in the last column.

    \b
      sohoa review --commune "Cự Khối"
      sohoa review DOC --checked 3 --editor lan     (page 3 read, nothing to correct)
    """
    from rich.console import Console
    from rich.table import Table

    from corpus.revisions import Revisions
    from sohoa.vietnamese import nfc

    archive = _archive(settings)
    if checked_page is not None:
        from sohoa.corrections import page_of

        if not doc_id:
            raise click.UsageError("--checked N needs the document: sohoa review DOC --checked N")
        page = page_of(archive, doc_id, checked_page)
        who = _editor(archive, editor)
        Revisions(archive.catalog).mark_reviewed(page.doc_id, page.page_no, who, "checked")
        archive.catalog.log_event("cli", "checked", doc_id=page.doc_id, page_no=page.page_no, author=who)
        click.echo(f"{page.doc_id} trang {page.page_no}: đã kiểm tra / checked ({who})")
        return
    rows = [r for r in Revisions(archive.catalog).queue()
            if (not doc_id or r["doc_id"] == doc_id) and (not commune or r["commune"] == nfc(commune))
            and (not year or r["year"] == year)]
    out = [{"doc": r["doc_id"], "page": r["page_no"], "confidence": r["quality"].get("mean_confidence"),
            "syllables": r["quality"].get("syllable_share"), "tokens": r["quality"].get("tokens"),
            "reasons": r["quality"].get("reasons", []), "guard": r["guard"]} for r in rows]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not out:
        click.echo("Không có trang nào cần xem lại / no page needs review.")
        return
    table = Table("doc", "page", "conf.", "syllables", "tokens", "why", "guard kept")
    for r in out:
        table.add_row(r["doc"], str(r["page"]), *("–" if r[k] is None else str(r[k]) for k in ("confidence", "syllables", "tokens")),
                      "; ".join(r["reasons"]) or "guard stepped in", r["guard"] or "–")
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 132)
    console.print(table)
    for label, key in (("xã / commune", "commune"), ("năm / year", "year")):
        counts = Counter(str(r[key] or "–") for r in rows)
        console.print(f"{len(rows)} trang; theo {label}: " + ", ".join(f"{k} ({n})" for k, n in sorted(counts.items())))
