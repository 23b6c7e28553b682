"""Two commits side by side on a user's whole job: CPU of `sohoa ingest`, and search latency.

    python -m bench commits --base b565260 --head HEAD --rounds 5

Each commit's tree is unpacked (`git archive`) and run with this venv's packages, in turns
(base, head, head, base, …) so that both meet the same neighbours. Ingest: a fresh archive, a
generated aged PDF, `python -m sohoa ingest` as a program; its CPU is the whole process tree's
(Python, Tesseract, Prefect's API). Search: the same generated pages put into an archive and
indexed by each commit's own code, then the same queries through its `search_index.search`
(once to warm, once timed), median and p95 per round. Search is timed in CPU milliseconds of its
one thread: on a shared machine, wall time measures the neighbours. The table gives medians over
rounds and head / base.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from bench.common import load_average, print_table, run_with_cpu_split
from bench.search_bench import KINDS, percentiles, query_sets
from bench.search_corpus import PageGenerator
from sohoa.samples import make_scan

REPO = Path(__file__).resolve().parents[1]

# Run inside each commit's tree: build the archive from the pages, index it, time the queries.
SEARCH_SCRIPT = r"""
import dataclasses, json, sys, time
from corpus import Archive
from corpus.models import Document, DocumentMeta, Page
import search_index
from search_index import SearchRequest

home, pages_file, queries_file = sys.argv[1:4]
archive = Archive.open(home)
pages = json.load(open(pages_file, encoding="utf-8"))
docs = {}
for p in pages:
    docs.setdefault(p["doc_id"], []).append(p)
for doc_id, group in docs.items():
    known = {f.name for f in dataclasses.fields(DocumentMeta)}  # fields added since the base are left out
    meta = DocumentMeta(**{k: v for k, v in group[0]["meta"].items() if k in known})
    archive.catalog.add_document(Document(id=doc_id, meta=meta, original_name=doc_id + ".pdf",
        sha256=doc_id.ljust(64, "0"), original_path="originals/" + doc_id + ".pdf",
        media_type="application/pdf", page_count=len(group), status="complete"))
    for p in group:
        archive.save_page(Page(doc_id=doc_id, page_no=p["page_no"], text=p["text"], mean_confidence=95.0,
                               word_count=len(p["text"].split()), width=2480, height=3508, dpi=300),
                          files={"text.txt": p["text"], "words.json": "[]"})
search_index.reindex(archive)
requests = {kind: [SearchRequest(query=item["text"], district=item.get("district"),
                                 year_from=(item.get("years") or (None, None))[0],
                                 year_to=(item.get("years") or (None, None))[1], include_internal=True)
                   for item in items]
            for kind, items in json.load(open(queries_file, encoding="utf-8")).items()}
for request in (r for rs in requests.values() for r in rs):  # warm: the index opened, caches filled
    search_index.search(archive, request)
times = {}
for kind, rs in requests.items():
    times[kind] = []
    for request in rs:
        started = time.process_time()
        search_index.search(archive, request)
        times[kind].append((time.process_time() - started) * 1000)
print(json.dumps(times))
"""


def unpack(rev: str, into: Path) -> Path:
    """The commit's tree in ``into`` (never a worktree: nothing of the repository changes)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def environment(tree: Path) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != "SOHOA_HOME"}, "PYTHONPATH": str(tree)}


def ingest_cpu(tree: Path, scan: Path, archive: Path) -> float:
    command = [sys.executable, "-m", "sohoa", "--archive", str(archive), "ingest", str(scan), "--title", "Lịch sử",
               "--commune", "Cự Khối", "--district", "Long Biên", "--year", "1985", "--kind", "history"]
    split = run_with_cpu_split(command, env=environment(tree), cwd=tree)
    return split.own + split.programs


def search_times(tree: Path, home: Path, pages: Path, queries: Path) -> dict[str, list[float]]:
    out = subprocess.run([sys.executable, "-c", SEARCH_SCRIPT, str(home), str(pages), str(queries)],
                         env=environment(tree), cwd=tree, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=4, help="pages of the ingested PDF")
    parser.add_argument("--search-pages", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=50, help="queries of each kind")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sohoa-commits-"))
    trees = {"base": unpack(args.base, work / "base"), "head": unpack(args.head, work / "head")}
    scan = work / "lich-su.pdf"
    make_scan(scan, pages=args.pages, variant="aged", seed=19)
    pages_file, queries_file = work / "pages.json", work / "queries.json"
    pages_file.write_text(json.dumps([asdict(p) for p in PageGenerator().pages(args.search_pages)],
                                     ensure_ascii=False), "utf-8")
    queries_file.write_text(json.dumps(query_sets(args.queries)), "utf-8")
    print(f"base {args.base}, head {args.head}: {args.pages}-page aged PDF, {args.search_pages} pages to search, "
          f"{args.queries} queries × {len(KINDS)} kinds, {args.rounds} rounds; {load_average()}", flush=True)

    cpu: dict[str, list[float]] = {"base": [], "head": []}
    latency: dict[str, dict[str, list[tuple[float, float]]]] = {"base": {}, "head": {}}
    for round_no in range(args.rounds):
        order = ("base", "head") if round_no % 2 == 0 else ("head", "base")
        for side in order:
            cpu[side].append(ingest_cpu(trees[side], scan, work / f"archive-{side}-{round_no}"))
            times = search_times(trees[side], work / f"search-{side}-{round_no}", pages_file, queries_file)
            for kind, values in times.items():
                latency[side].setdefault(kind, []).append(percentiles(values))
        print(f"  round {round_no + 1}: ingest CPU base {cpu['base'][-1]:.1f} s, head {cpu['head'][-1]:.1f} s; "
              f"{load_average()}", flush=True)

    def row(measure: str, base: float, head: float) -> list[str]:
        return [measure, f"{base:.1f}", f"{head:.1f}", f"{head / base:.3f}"]

    rows = [row(f"ingest CPU s (median of {args.rounds})", statistics.median(cpu["base"]), statistics.median(cpu["head"]))]
    for kind in KINDS:
        for index, name in ((0, "median"), (1, "p95")):
            rows.append(row(f"search {kind} {name} CPU ms", statistics.median(r[index] for r in latency["base"][kind]),
                            statistics.median(r[index] for r in latency["head"][kind])))
    print()
    print_table(["measure", "base", "head", "head / base"], rows)
    print("\nevery round, ingest CPU s: " + "; ".join(f"{side} " + ", ".join(f"{v:.1f}" for v in cpu[side]) for side in cpu))


if __name__ == "__main__":
    main()
