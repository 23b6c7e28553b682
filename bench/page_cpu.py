"""CPU seconds of ``ocr_page`` on ordinary 300-dpi pages: this tree against an older one, interleaved.

    python -m bench page-cpu --baseline /work/wt-base19 [--rounds 5] [--pages 4]

Issue 19 asks that real-page work (resolution, orientation, guard, photo steps) cost ordinary
pages no more than 5 %. The material is what ``bench ocr`` reads: clean and aged PDFs of generated
pages at 300 dpi, one typeface per page. Each tree runs in its own long-lived worker process
(``PYTHONPATH`` = the tree, this tree's Python environment), so imports and Tesseract's model
load are paid once and not counted; a page's cost is the CPU time (the worker's own and
Tesseract's, which it waits for) of one ``ocr_page`` call. Tesseract runs one thread
(``OMP_THREAD_LIMIT=1``): its OpenMP threads spin when the cores are busy, which would measure the
neighbours. The machine is shared, so the two trees alternate page by page, the first to go
swapping every round; the table gives medians per page over the rounds, their sums, and the
median of each round's own ratio of totals.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import load_average, print_table
from bench.ocr_bench import make_variant

HERE = Path(__file__).resolve().parents[1]
# Runs inside each worker with the tree's own ``ocr`` package: "PDF PAGE" in, CPU seconds out.
WORKER = """
import resource, sys
from pathlib import Path
from ocr.pipeline import OcrOptions, ocr_page
from ocr.sources import open_source

def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

for line in sys.stdin:
    path, page = line.split()
    before = cpu()
    ocr_page(open_source(Path(path)), "bench", int(page), OcrOptions())
    print(f"{cpu() - before:.4f}", flush=True)
"""


class Worker:
    """One tree's ``ocr_page`` in a process of its own."""

    def __init__(self, tree: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree), "OMP_THREAD_LIMIT": "1"}
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], cwd=tree, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def page_cpu(self, pdf: Path, page: int) -> float:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{pdf} {page}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"worker in {self.process.args} died on {pdf.name} page {page}")
        return float(answer)

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="A checkout of the tree to compare with "
                        "(git worktree add --detach DIR COMMIT).")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=4, help="Pages per variant (clean, aged).")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-cpu-"))
    pages = [(pdf, n) for variant in ("clean", "aged")
             for pdf in [make_variant(variant, args.pages, work)[0]] for n in range(1, args.pages + 1)]
    trees = {"baseline": Worker(args.baseline.resolve()), "current": Worker(HERE)}
    for worker in trees.values():  # warm-up: model load and first-call costs are not a page's
        worker.page_cpu(*pages[0])
    cpu: dict[str, dict[int, list[float]]] = {name: {i: [] for i in range(len(pages))} for name in trees}
    round_ratios = []
    for round_no in range(args.rounds):
        order = list(trees) if round_no % 2 == 0 else list(reversed(trees))
        totals = dict.fromkeys(trees, 0.0)
        for i, page in enumerate(pages):
            for name in order:
                seconds = trees[name].page_cpu(*page)
                cpu[name][i].append(seconds)
                totals[name] += seconds
        round_ratios.append(totals["current"] / totals["baseline"])
        print(f"round {round_no + 1}: baseline {totals['baseline']:.2f} s, current {totals['current']:.2f} s, "
              f"ratio {round_ratios[-1]:.3f}", flush=True)
    for worker in trees.values():
        worker.close()
    rows = []
    for i, (pdf, n) in enumerate(pages):
        base, current = statistics.median(cpu["baseline"][i]), statistics.median(cpu["current"][i])
        rows.append([f"{pdf.stem} p{n}", f"{base:.2f}", f"{current:.2f}", f"{current / base:.3f}"])
    base_sum = sum(statistics.median(v) for v in cpu["baseline"].values())
    current_sum = sum(statistics.median(v) for v in cpu["current"].values())
    rows.append(["**sum of medians**", f"{base_sum:.2f}", f"{current_sum:.2f}", f"{current_sum / base_sum:.3f}"])
    rows.append(["**median of round ratios**", "", "", f"{statistics.median(round_ratios):.3f}"])
    print(f"\n{args.rounds} rounds, baseline {args.baseline}; {load_average()}\n")
    print_table(["page", "CPU s baseline (median)", "CPU s current (median)", "current / baseline"], rows)


if __name__ == "__main__":
    main()
