"""Search benchmark: speed on generated party-history pages, relevance on XQuAD-R (Vietnamese).

    python -m bench.search_bench --pages 20000          (tantivy also at 5× pages: 100,000)
    python -m bench.search_bench --pages 2000 --quick   (a smoke run)

Runs apart from the tests. Prints markdown tables (paste into docs/search.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import cpu_seconds
from bench.search_corpus import FILLER, PHRASES, PLACES, PageGenerator
from bench.search_engines import Fts5, PlainWhoosh, SohoaEngine, folder_size
from search_index.backend import IndexedPage
from search_index.tantivy_backend import TantivyBackend
from search_index.whoosh.backend import WhooshBackend
from sohoa.vietnamese import TONE_MARKS, fold, has_diacritics, place_tone, split_tone

XQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "search-eval" / "xquad-r-vi.json"
KINDS = ("single word", "phrase", "no diacritics", "filtered+faceted")


def query_sets(n: int, seed: int = 7) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    marked = [w for w in FILLER if has_diacritics(w)]
    multi = [p for p in PHRASES if 2 <= len(p.split()) <= 4]
    sets: dict[str, list[dict]] = {k: [] for k in KINDS}
    for _ in range(n):
        sets["single word"].append({"text": rng.choice(marked)})
        sets["phrase"].append({"text": f'"{rng.choice(multi).lower()}"'})
        sets["no diacritics"].append({"text": fold(f"{rng.choice(multi)} {rng.choice(marked)}").lower()})
        sets["filtered+faceted"].append({"text": rng.choice(marked), "district": rng.choice(PLACES)[1],
                                         "years": (y := rng.randint(1954, 2000), y + 15)})
    return sets


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def speed(engine, pages: list[IndexedPage], queries: dict[str, list[dict]]) -> dict:  # type: ignore[no-untyped-def]
    cpu = cpu_seconds()
    seconds = engine.build(pages)
    # On a shared machine wall time depends on the neighbours; CPU time says what the work costs.
    row = {"engine": engine.name, "pages": len(pages), "pages_per_s": len(pages) / seconds,
           "pages_per_cpu_s": len(pages) / (cpu_seconds() - cpu), "size_mb": folder_size(engine.folder) / 1e6}
    for kind, items in queries.items():
        engine.run(**items[0])  # warm caches the way a running server has them
        times, cpu_times = [], []
        for item in items:
            started, cpu_started = time.perf_counter(), time.process_time()
            engine.run(**item)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)  # all threads of this process
        row[kind], row[f"{kind} cpu"] = percentiles(times), percentiles(cpu_times)
    row["load"] = os.getloadavg()[0]
    print(f"  {engine.name} @ {len(pages)}: {row['pages_per_s']:.0f} pages/s ({row['pages_per_cpu_s']:.0f}/CPU-s), "
          + ", ".join(f"{k} {row[k][0]:.1f}/{row[k][1]:.1f} ms (CPU {row[k + ' cpu'][0]:.1f}/{row[k + ' cpu'][1]:.1f})"
                      for k in queries) + f"; load {row['load']:.1f}", flush=True)
    return row


# -- relevance ---------------------------------------------------------------------------------
def xquad() -> tuple[list[IndexedPage], list[tuple[str, str]]]:
    data = json.loads(XQUAD.read_text(encoding="utf-8"))
    pages, questions = [], []
    paragraphs = [p for article in data["data"] for p in article["paragraphs"]]
    for pi, para in enumerate(paragraphs):
        for si, sentence in enumerate(para["sentences"]):
            pages.append(IndexedPage(doc_id=f"p{pi}s{si}", page_no=1, text=sentence))
        for qa in para["qas"]:
            start = qa["answers"][0]["answer_start"]
            si = next(i for i, (a, b) in enumerate(para["sentence_breaks"]) if a <= start <= b)
            questions.append((qa["question"], f"p{pi}s{si}"))
    return pages, questions


def corrupt_tones(text: str, rng: random.Random, share: float = 0.15) -> str:
    """Replace the tone of ``share`` of the syllables that carry one (OCR's most common error)."""
    def one(match: re.Match[str]) -> str:
        base, tone = split_tone(match.group())
        if not tone or rng.random() >= share:
            return match.group()
        return place_tone(base, rng.choice([t for t in [*TONE_MARKS, ""] if t != tone]))
    return re.sub(r"\w+", one, text)


def relevance(engine, pages: list[IndexedPage], questions: list[tuple[str, str]]) -> dict:  # type: ignore[no-untyped-def]
    engine.build(pages)
    rng = random.Random(15)
    variants = {"as written": lambda q: q, "no diacritics": fold, "15% tones corrupted": lambda q: corrupt_tones(q, rng)}
    row = {"engine": engine.name}
    for name, change in variants.items():
        rr, hit = 0.0, 0
        for question, relevant in questions:
            ranked = engine.run(change(question), any_word=True)
            if relevant in ranked[:10]:
                rr += 1 / (ranked.index(relevant) + 1)
                hit += 1
        row[name] = (rr / len(questions), hit / len(questions))
    print(f"  {engine.name}: " + ", ".join(f"{k} MRR {v[0]:.3f} R@10 {v[1]:.3f}" for k, v in row.items()
                                           if k != "engine"), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--tantivy-pages", type=int, help="default: 5 × --pages")
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--skip-plain", action="store_true", help="leave out plain Whoosh (slow to build)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    tantivy_pages = args.tantivy_pages or args.pages * 5
    work = Path(tempfile.mkdtemp(prefix="sohoa-search-bench-"))
    queries = query_sets(args.queries)

    print(f"generating {tantivy_pages} pages…", flush=True)
    all_pages = list(PageGenerator().pages(max(args.pages, tantivy_pages)))
    pages = all_pages[:args.pages]
    print(f"  {sum(len(p.text.encode()) for p in pages) / 1e6:.0f} MB of text in {args.pages} pages, "
          f"{len({p.doc_id for p in pages})} documents", flush=True)
    engines = [SohoaEngine(WhooshBackend, work / "whoosh"), SohoaEngine(TantivyBackend, work / "tantivy"),
               Fts5(work / "fts5")]
    if not args.skip_plain:
        engines.insert(1, PlainWhoosh(work / "plain"))
    rows = [speed(e, pages, queries) for e in engines]
    rows.append(speed(SohoaEngine(TantivyBackend, work / "tantivy-large"), all_pages[:tantivy_pages], queries))

    print("relevance on XQuAD-R vi…", flush=True)
    sentences, questions = xquad()
    rel_engines = [SohoaEngine(WhooshBackend, work / "rel-whoosh"), SohoaEngine(TantivyBackend, work / "rel-tantivy"),
                   PlainWhoosh(work / "rel-plain"), Fts5(work / "rel-fts5")]
    rel = [relevance(e, sentences, questions) for e in rel_engines]

    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\n| engine | pages | load | index pages/s (per CPU-s) | size MB | "
          + " | ".join(f"{k} p50/p95 ms (CPU ms)" for k in KINDS) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(KINDS))
    for r in rows:
        print(f"| {r['engine']} | {r['pages']:,} | {r['load']:.1f} | {r['pages_per_s']:,.0f} ({r['pages_per_cpu_s']:,.0f}) | "
              f"{r['size_mb']:.0f} | " + " | ".join(f"{r[k][0]:.1f} / {r[k][1]:.1f} ({r[k + ' cpu'][0]:.1f} / "
                                                     f"{r[k + ' cpu'][1]:.1f})" for k in KINDS) + " |")
    base = rows[0]
    print("\nmedian latency relative to sohoa whoosh (×, lower is faster):")
    for r in rows[1:]:
        print(f"  {r['engine']} @ {r['pages']:,}: " + ", ".join(
            f"{k} {r[k][0] / base[k][0]:.2f}" for k in KINDS) + f"; indexing {r['pages_per_s'] / base['pages_per_s']:.1f}× as fast")
    print(f"\nrelevance: {len(questions)} questions over {len(sentences)} sentences (OR of the question's words)")
    print("| engine | " + " | ".join(f"{k} MRR@10 / R@10" for k in rel[0] if k != "engine") + " |")
    print("|---|" + "---:|" * 3)
    for r in rel:
        print(f"| {r['engine']} | " + " | ".join(f"{v[0]:.3f} / {v[1]:.3f}" for k, v in r.items() if k != "engine") + " |")
    if args.json:
        args.json.write_text(json.dumps({"speed": rows, "relevance": rel}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
