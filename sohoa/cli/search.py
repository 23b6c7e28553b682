"""`sohoa search` and `sohoa reindex`: the search index from the command line."""

from __future__ import annotations

import html
import json
import re
import time

import click

from corpus.archive import Archive
from search_index import SearchRequest, SearchResults, reindex as rebuild, search as run_search
from search_index.models import SORTS
from search_index.query import year_range
from sohoa.errors import BadArgsError
from sohoa.settings import Settings

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
FACET_LABELS = {"district": "huyện/district", "commune": "xã/commune", "decade": "thập niên/decade",
                "kind": "loại/kind"}


def parse_years(value: str | None) -> tuple[int | None, int | None]:
    """--year's value as (low, high): the query language's ``year:`` ranges."""
    if not value:
        return None, None
    years = year_range(value)
    if years is None:
        raise BadArgsError(f"--year '{value}': expected a year or a range like 1975..1985")
    return years.low, years.high


def render(results: SearchResults) -> str:
    lines = [f"{results.total_pages} trang trong {results.total_documents} tài liệu / "
             f"{results.total_pages} pages in {results.total_documents} documents ({results.elapsed_ms:.0f} ms)"]
    lines += [f"ghi chú / note: {note}" for note in results.notes]
    for rank, doc in enumerate(results.documents, start=results.request.offset + 1):
        place = ", ".join(p for p in (doc.commune, doc.district, doc.province) if p)
        lines.append(click.style(f"{rank}. {doc.title or doc.doc_id}", bold=True)
                     + f"  [{doc.doc_id}] {place} {doc.year or ''} {doc.kind}"
                     + f"{' (nội bộ/internal)' if doc.access == 'internal' else ''} — {doc.matching_pages} trang/pages")
        for page in doc.pages:
            text = _MARK.sub(lambda m: click.style(m.group(1), fg="yellow", bold=True), page.snippet_html)
            lines.append(f"   tr. {page.page_no}: {' '.join(html.unescape(text).split())}")  # the page's line breaks: one line
    for name, label in FACET_LABELS.items():
        values = results.facets.get(name) or []
        if values:
            lines.append(f"{label}: " + ", ".join(f"{v.value} ({v.count})" for v in values[:10]))
    return "\n".join(lines)


@click.command()
@click.argument("query", nargs=-1)
@click.option("--district", help='Only this district ("Long Biên", or "long bien").')
@click.option("--commune", help="Only this commune.")
@click.option("--province", help="Only this province.")
@click.option("--kind", help="Only this kind: history, bulletin, resolution, other.")
@click.option("--year", "years", metavar="A..B", help="A year or a range: 1975, 1975..1985, ..1954.")
@click.option("--doc", "doc_id", metavar="DOC", help="Search within one document.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="Documents shown.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Documents skipped (for the next page).")
@click.option("--pages", "pages_per_document", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Best pages shown per document.")
@click.option("--fuzzy", is_flag=True, help="Tolerate one wrong letter in words of 4+ letters (OCR noise).")
@click.option("--public-only", is_flag=True, help="Hide documents marked internal (shown by default here).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (hit boxes included).")
@click.pass_obj
def search(settings: Settings, query: tuple[str, ...], district: str | None, commune: str | None,
           province: str | None, kind: str | None, years: str | None, doc_id: str | None, sort: str, limit: int,
           offset: int, pages_per_document: int, fuzzy: bool, public_only: bool, as_json: bool) -> None:
    """Tìm trong kho / search the archive. QUERY: words (all must occur), "phrases", OR, NOT or -word,
    district:"Long Biên", year:1975..1985, word~ (fuzzy). Diacritics are optional.

    \b
      sohoa search lich su dang bo --district "Long Biên" --year 1975..1985
      sohoa search '"hợp tác xã" OR "nông trường"' --sort year --json
    """
    low, high = parse_years(years)
    request = SearchRequest(
        query=" ".join(query), district=district, commune=commune, province=province, kind=kind,
        year_from=low, year_to=high, doc_id=doc_id, include_internal=not public_only, fuzzy=fuzzy, sort=sort,
        offset=offset, limit=limit, pages_per_document=pages_per_document, with_boxes=as_json,
    )
    archive = Archive(settings)
    try:
        results = run_search(archive, request)
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(render(results))


@click.command()
@click.pass_obj
def reindex(settings: Settings) -> None:
    """Dựng lại chỉ mục / rebuild the search index from the corpus, then swap it in atomically."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    archive = Archive(settings)
    started = time.perf_counter()
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
            task = bar.add_task("đang lập chỉ mục / indexing…")
            count = rebuild(archive, progress=lambda n: bar.update(task, description=f"{n} trang/pages"))
    finally:
        archive.close()
    click.echo(f"đã lập chỉ mục / indexed {count} trang/pages with {settings.search_backend} "
               f"in {time.perf_counter() - started:.1f} s")
