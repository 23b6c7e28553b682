"""Run one benchmark: `python -m bench NAME [ARGS]` (`make bench BENCH_ARGS="NAME ARGS"`).

Benchmarks are measurements, not tests: each prints a table comparing sohoa with its baseline,
side by side in one run; dated results go to bench/HISTORY.md. Without a name, this lists them.
"""

from __future__ import annotations

import runpy
import sys

BENCHES = {
    "ingest": ("bench.ingest_bench", "ingest vs the bare tesseract CLI floor; peak memory"),
    "ocr": ("bench.ocr_bench", "CER and time per aged variant vs OCRmyPDF default and tuned"),
    "search": ("bench.search_bench", "indexing, latency and relevance vs plain Whoosh and FTS5"),
    "tts": ("bench.tts_bench", "gTTS requests vs gTTS's splitter; offline and cached times"),
    "web": ("bench.web_bench", "search and bulletin page times under 8 clients"),
    "scale": ("bench.scale_bench", "Dask workers vs local; catalog writes on SQLite and PostgreSQL"),
    "share": ("bench.index_share_bench", "the search index read locally, over sshfs and from a copy"),
    "real": ("bench.real_pages", "real scans and photos: CER, rotation, resolution vs bare Tesseract and OCRmyPDF"),
    "commits": ("bench.commits_bench", "two commits on a user's whole job: ingest CPU, search median and p95"),
    "corrections": ("bench.corrections_bench", "CER of the OCR vs editors' corrections; save-to-downstream time"),
    "page-cpu": ("bench.page_cpu", "CPU of ocr_page on ordinary 300-dpi pages: this tree vs an older checkout"),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHES:
        print(__doc__)
        for name, (_, what) in BENCHES.items():
            print(f"  {name:<8} {what}")
        sys.exit(0 if len(sys.argv) < 2 else 1)
    module, _ = BENCHES[sys.argv[1]]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__")


main()
