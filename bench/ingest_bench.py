"""Ingest throughput against the floor: the bare `tesseract` CLI on the same page images.

    python -m bench.ingest_bench [--pages 40] [--repeat 3] [--memory-pages 200]

The floor runs one single-threaded `tesseract` per page image, as many at once as there are
cores. sohoa runs `sohoa ingest` on the PDF those images came from, as a user would: rasterising,
preprocessing, OCR, hOCR and words, the catalog, and Prefect's ephemeral API start included
(reported apart too). Peak memory is the RSS of sohoa's whole process tree on a long PDF.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import median_time, print_table, run_with_peak_memory
from sohoa.samples import make_scan

SOHOA = [sys.executable, "-m", "sohoa"]


def page_images(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page*.png"))


def tesseract_floor(images: list[Path], out: Path) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), str(out / image.stem), "-l", "vie", "--psm", "4"],
                       check=True, capture_output=True, env=env)

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(one, images))


def sohoa_ingest(pdf: Path, home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([*SOHOA, "--archive", str(home), "ingest", str(pdf)], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-pages", type=int, default=200, help="pages of the memory test (0: skip)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-ingest-"))
    pdf = work / "document.pdf"
    make_scan(pdf, pages=args.pages, font="serif", variant="aged", seed=1)
    images = page_images(pdf, work)
    (work / "floor").mkdir()

    floor, floor_runs = median_time(lambda: tesseract_floor(images, work / "floor"), args.repeat)
    ours, our_runs = median_time(lambda: sohoa_ingest(pdf, work / "archive"), args.repeat)
    already, _ = median_time(lambda: subprocess.run([*SOHOA, "--archive", str(work / "archive"), "ingest",
                                                     str(pdf)], check=True, capture_output=True), args.repeat)
    print(f"\n{args.pages}-page aged PDF, {os.cpu_count()} cores, median of {args.repeat} runs\n")
    print_table(["run", "median s", "pages/min", "× floor", "all runs (s)"], [
        ["tesseract CLI floor (images)", f"{floor:.1f}", f"{60 * args.pages / floor:.0f}", "1.00",
         ", ".join(f"{t:.1f}" for t in floor_runs)],
        ["sohoa ingest (PDF, whole CLI)", f"{ours:.1f}", f"{60 * args.pages / ours:.0f}", f"{ours / floor:.2f}",
         ", ".join(f"{t:.1f}" for t in our_runs)],
        ["sohoa ingest, already archived", f"{already:.1f}", "–", f"{already / floor:.2f}", "(start-up cost)"],
        ["sohoa minus start-up", f"{ours - already:.1f}", f"{60 * args.pages / (ours - already):.0f}",
         f"{(ours - already) / floor:.2f}", ""],
    ])
    if args.memory_pages:
        long_pdf = work / "long.pdf"
        make_scan(long_pdf, pages=args.memory_pages, font="serif", variant="clean", seed=2)
        seconds, peak, code = run_with_peak_memory([*SOHOA, "--archive", str(work / "long"), "ingest",
                                                     str(long_pdf)])
        print(f"\n{args.memory_pages}-page PDF ({long_pdf.stat().st_size / 1e6:.1f} MB): peak RSS of the whole "
              f"process tree {peak / 1e6:.0f} MB, {seconds:.0f} s, exit {code}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
