"""Ingest throughput against the floor: the bare `tesseract` CLI on the same page images.

    python -m bench.ingest_bench [--pages 40] [--repeat 3] [--pinned 0] [--memory-pages 200]
                                 [--guessed-resolution]

The floor runs one single-threaded `tesseract` per page image, as many at once as there are
cores. The page images are TIFFs that carry their resolution (300 dpi), as a scanner's do, so
that the floor's Tesseract reads the page at the resolution sohoa gives its own (`--dpi`).
``--guessed-resolution`` adds a second floor on the same pixels as PGM, which carries none:
Tesseract then guesses one from the type size (~457 dpi for 12-point text), which moves its
cost by a few per cent, either way from page to page, and reads worse (bench/HISTORY.md).

sohoa runs `sohoa ingest` on the PDF those images came from, as a user would: rasterising,
preprocessing, OCR, hOCR, ALTO, words and text layer, the catalog, the search index, and
Prefect's ephemeral API start included (a second run on the already archived file, which starts
no flow, is reported apart). The rounds take turns: the floor first in odd ones, sohoa first in
even ones. Wall time and CPU time of each whole process tree: the machine is shared, and CPU
time is what survives the neighbours' load. sohoa's CPU is also split between
the programs it ran (Tesseract, Poppler: the floor's work, moved by the neighbours as the floor
is) and its own process (Prefect, preprocessing, outputs: the gap that is sohoa's own). Peak
memory is the RSS of sohoa's whole process tree on a long PDF.

``--pinned N`` adds N rounds of pinned pairs: the floor with one worker on one core and
`sohoa ingest --jobs 1` on the other, at the same time, swapping cores each round. Both see the
same neighbours at the same moment, so the ratio (of total work: each has one core) swings less
than the interleaved two-core rounds do (bench/HISTORY.md has both).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bench.common import (CpuSplit, cpu_seconds, load_average, print_table, run_with_cpu_split,
                          run_with_peak_memory, timed_runs)
from sohoa.samples import make_scan

SOHOA = [sys.executable, "-m", "sohoa"]
T = TypeVar("T")


def page_images(pdf: Path, folder: Path, fmt: str = "tiff") -> list[Path]:
    """The PDF's pages as grey 300-dpi images: uncompressed TIFF (with its resolution) or PGM
    (without). Not PNG: Poppler's PNG encoding of noisy 300-dpi pages takes seconds a page."""
    folder.mkdir(exist_ok=True)
    tiff = ["-tiff"] if fmt == "tiff" else []  # grey PGM is Poppler's default
    subprocess.run(["pdftoppm", "-r", "300", "-gray", *tiff, str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page*.tif" if fmt == "tiff" else "page*.pgm"))


def _on_core(core: int | None) -> list[str]:
    return [] if core is None else ["taskset", "--cpu-list", str(core)]  # util-linux, on every Debian


def tesseract_floor(images: list[Path], out: Path, workers: int | None = None, core: int | None = None) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        subprocess.run([*_on_core(core), "tesseract", str(image), str(out / image.stem), "-l", "vie", "--psm", "4"],
                       check=True, capture_output=True, env=env)

    with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        list(pool.map(one, images))


def sohoa_ingest(pdf: Path, home: Path, core: int | None = None) -> CpuSplit:
    shutil.rmtree(home, ignore_errors=True)
    jobs = [] if core is None else ["--jobs", "1"]
    # taskset execs the command in its own process, so the split is the same with or without it
    return run_with_cpu_split([*_on_core(core), *SOHOA, "--archive", str(home), "ingest", *jobs, str(pdf)])


def _timed(run: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def pinned_pairs(images: list[Path], pdf: Path, work: Path, rounds: int) -> list[float]:
    """sohoa ÷ floor wall time, each on a core of its own at the same time, cores swapped each round."""
    ratios = []
    for round_no in range(rounds):
        floor_core, sohoa_core = (0, 1) if round_no % 2 == 0 else (1, 0)
        with ThreadPoolExecutor(2) as pool:
            floor = pool.submit(_timed, lambda: tesseract_floor(images, work / "floor", 1, floor_core))
            sohoa = pool.submit(_timed, lambda: sohoa_ingest(pdf, work / "pinned", sohoa_core))
            (floor_wall, _), (sohoa_wall, split) = floor.result(), sohoa.result()
        ratios.append(sohoa_wall / floor_wall)
        print(f"  pinned round {round_no + 1}: floor on core {floor_core} {floor_wall:.1f} s, "
              f"sohoa on core {sohoa_core} {sohoa_wall:.1f} s: {ratios[-1]:.3f} (sohoa's tesseract and poppler "
              f"{split.programs:.1f} CPU-s, its own process {split.own:.1f})", flush=True)
    return ratios


def _row(name: str, walls: list[float], cpus: list[float], pages: int, floor: tuple[float, float]) -> list[str]:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return [name, f"{wall:.1f}", f"{wall / floor[0]:.2f}", f"{cpu:.1f}", f"{cpu / floor[1]:.2f}",
            f"{60 * pages / wall:.0f}", ", ".join(f"{w:.1f}/{c:.1f}" for w, c in zip(walls, cpus))]


def _print_split(floor_cpus: list[float], splits: list[CpuSplit], pages: int) -> None:
    """Round by round, sohoa's CPU split: the programs it ran against the floor's Tesseracts (the
    neighbours move both), and its own process (Prefect, preprocessing, outputs), the real gap."""
    print("\nWhere sohoa's CPU went, round by round (CPU-s):")
    print_table(["round", "floor: tesseract", "sohoa: tesseract, poppler", "÷ floor", "sohoa: own process",
                 "own a page", "own ÷ floor"], [
        [n + 1, f"{floor:.1f}", f"{split.programs:.1f}", f"{split.programs / floor:.3f}", f"{split.own:.1f}",
         f"{split.own / pages:.2f}", f"{split.own / floor:.3f}"]
        for n, (floor, split) in enumerate(zip(floor_cpus, splits))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pinned", type=int, default=0, help="rounds of pinned pairs, one core each (0: skip)")
    parser.add_argument("--memory-pages", type=int, default=200, help="pages of the memory test (0: skip)")
    parser.add_argument("--guessed-resolution", action="store_true",
                        help="also run the floor on PGM images, whose resolution Tesseract must guess")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-ingest-"))
    pdf = work / "document.pdf"
    make_scan(pdf, pages=args.pages, font="serif", variant="aged", seed=1)
    images = page_images(pdf, work / "tiff")
    # name: (label, page images); the first is the floor every ratio is taken against
    floors = {"floor": ("tesseract CLI floor (300-dpi TIFF images)", images)}
    if args.guessed_resolution:
        floors["guessed"] = ("tesseract CLI, resolution guessed (PGM images)", page_images(pdf, work / "pgm", "pgm"))
    (work / "floor").mkdir()
    print(f"before: {load_average()}", flush=True)
    # Interleaved, so that a change of load on the shared machine falls on both alike, and in turn
    # floor first, then sohoa first: a machine that slows (or speeds up) through a round then
    # favours neither side of the ratio.
    runs: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in (*floors, "sohoa", "already")}
    splits: list[CpuSplit] = []
    for round_no in range(args.repeat):
        floor_runs = [(name, lambda pages=pages: tesseract_floor(pages, work / "floor"))
                      for name, (_, pages) in floors.items()]
        sohoa_runs = [("sohoa", lambda: splits.append(sohoa_ingest(pdf, work / "archive"))),
                      ("already", lambda: subprocess.run([*SOHOA, "--archive", str(work / "archive"), "ingest",
                                                          str(pdf)], check=True, capture_output=True))]
        for name, run in floor_runs + sohoa_runs if round_no % 2 == 0 else sohoa_runs + floor_runs:
            walls, cpus = timed_runs(run, 1)
            runs[name][0].extend(walls)
            runs[name][1].extend(cpus)
            print(f"  {name}: {walls[0]:.1f} s wall, {cpus[0]:.1f} CPU-s", flush=True)
    floor = (statistics.median(runs["floor"][0]), statistics.median(runs["floor"][1]))
    net = ([s - a for s, a in zip(*(runs[k][0] for k in ("sohoa", "already")))],
           [s - a for s, a in zip(*(runs[k][1] for k in ("sohoa", "already")))])
    print(f"\n{args.pages}-page aged PDF, {os.cpu_count()} cores, median of {args.repeat} runs; after: {load_average()}\n")
    print_table(["run", "wall s", "wall × floor", "CPU s", "CPU × floor", "pages/min", "runs (wall/CPU s)"], [
        *(_row(label, *runs[name], args.pages, floor) for name, (label, _) in floors.items()),
        _row("sohoa ingest (PDF, whole CLI)", *runs["sohoa"], args.pages, floor),
        _row("sohoa ingest, already archived (hash check, no flow)", *runs["already"], args.pages, floor),
        _row("sohoa minus that", *net, args.pages, floor),
    ])
    # Each round's own ratio: a neighbour's load that slows one round's floor shows here, not hidden in the medians.
    for kind, index in (("wall", 0), ("CPU", 1)):
        for name, heading in (("floor", f"sohoa ÷ floor ({kind})"), ("guessed", "  ÷ the floor with its resolution guessed")):
            if name in floors:
                ratios = [s / f for s, f in zip(runs["sohoa"][index], runs[name][index])]
                print(f"{heading} round by round: {', '.join(f'{r:.2f}' for r in ratios)}; "
                      f"median {statistics.median(ratios):.2f}")
    _print_split(runs["floor"][1], splits, args.pages)
    if args.pinned:
        if len(os.sched_getaffinity(0)) < 2:
            sys.exit("--pinned needs two cores")
        ratios = pinned_pairs(images, pdf, work, args.pinned)
        print(f"pinned pairs, sohoa ÷ floor (one core each, at once): {', '.join(f'{r:.3f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.3f}")
    if args.memory_pages:
        long_pdf = work / "long.pdf"
        make_scan(long_pdf, pages=args.memory_pages, font="serif", variant="clean", seed=2)
        cpu = cpu_seconds()
        memory = run_with_peak_memory([*SOHOA, "--archive", str(work / "long"), "ingest", str(long_pdf)])
        print(f"\n{args.memory_pages}-page PDF ({long_pdf.stat().st_size / 1e6:.1f} MB): peak RSS of the whole "
              f"process tree {memory.peak / 1e6:.0f} MB, {memory.seconds:.0f} s wall, {cpu_seconds() - cpu:.0f} CPU-s, "
              f"exit {memory.returncode}; {load_average()}")
        print(f"  at the peak (MB): {memory.breakdown()}")
        print("  each process's own peak (MB): "
              + ", ".join(f"{name} {rss / 1e6:.0f}" for name, rss in sorted(memory.own_peaks.items(), key=lambda i: -i[1])))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
