"""Run one benchmark: `python -m bench NAME [ARGS]` (`make bench BENCH_ARGS="NAME ARGS"`).

Benchmarks are measurements, not tests: each prints a table comparing sohoa with the baseline its
issue names, side by side in one run. Without a name, this lists them.
"""

from __future__ import annotations

import runpy
import sys

BENCHES = {
    "ingest": ("bench.ingest_bench", "ingest vs the bare tesseract CLI floor; peak memory (issue 2)"),
    "ocr": ("bench.ocr_bench", "CER and time per aged variant vs OCRmyPDF default and tuned (issue 3)"),
    "search": ("bench.search_bench", "indexing, latency and relevance vs plain Whoosh and FTS5 (issue 4)"),
    "tts": ("bench.tts_bench", "gTTS requests vs gTTS's splitter; offline and cached times (issue 5)"),
    "web": ("bench.web_bench", "search and bulletin page times under 8 clients (issue 6)"),
    "scale": ("bench.scale_bench", "Dask workers vs local; catalog writes on SQLite and PostgreSQL (issue 7)"),
    "corrections": ("bench.corrections_bench", "CER of the OCR vs editors' corrections; save-to-downstream time (issue 24)"),
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
