"""CER and wall time per scan variant, sohoa against OCRmyPDF 17, side by side.

    python -m bench.ocr_bench [--variants clean,aged,...] [--pages 4] [--jobs 2]

Each variant is one PDF of generated Vietnamese pages with known text, one typeface per page
(Noto Serif, FreeMono typewriter, DejaVu Sans, Liberation Serif). Three systems read every PDF:

- sohoa: register + every page through ``ocr_page`` on a pool of ``jobs`` threads + the catalog,
  writing text, hOCR, ALTO, words and the text layer, then the searchable PDF (``export``);
- OCRmyPDF default: ``ocrmypdf -l vie --jobs N --sidecar``;
- OCRmyPDF tuned: the same plus ``--deskew --rotate-pages --tesseract-pagesegmode 4
  --tesseract-thresholding sauvola``.

OCRmyPDF is installed from PyPI into ``bench/.venv-ocrmypdf`` on first use, never into sohoa's
own environment. Results also go to ``bench/results/ocr-bench.md``. Seconds are wall time and CPU time (this
process's threads and every child process: Tesseract, Poppler, OCRmyPDF and its workers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import cpu_seconds, load_average, print_table
from ocr.metrics import error_rates
from sohoa.samples import VARIANTS, make_pages
from sohoa.samples.aging import save_pdf

FONTS = ("serif", "typewriter", "sans", "times")
BENCH_VENV = Path(__file__).parent / ".venv-ocrmypdf"
TUNED = ["--deskew", "--rotate-pages", "--tesseract-pagesegmode", "4", "--tesseract-thresholding", "sauvola"]


def ocrmypdf() -> Path:
    """OCRmyPDF 17 in its own virtual environment (created once)."""
    exe = BENCH_VENV / "bin" / "ocrmypdf"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", "ocrmypdf>=17,<18"], check=True)
    return exe


def make_variant(variant: str, pages: int, folder: Path) -> tuple[Path, list[str]]:
    """A PDF of ``pages`` pages of one variant, page i set in FONTS[i % 4]; and its truth."""
    chosen = [make_pages(pages=i + 1, font=FONTS[i % len(FONTS)], variant=variant, seed=11 + i)[i]
              for i in range(pages)]
    path = folder / f"{variant}.pdf"
    save_pdf([p.image for p in chosen], path, chosen[0].dpi)
    return path, [p.text for p in chosen]


def run_sohoa(pdf: Path, home: Path, jobs: int) -> list[str]:
    from corpus.archive import Archive
    from ocr.pipeline import OcrOptions
    from sohoa import ingest as steps
    from sohoa.cli import main as cli_main
    from sohoa.settings import Settings

    shutil.rmtree(home, ignore_errors=True)
    archive = Archive(Settings.from_env(home))
    registration = steps.register(archive, steps.plan_job(archive, steps.Job(pdf)), run_id="bench")
    options = OcrOptions()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda n: steps.recognize_page(archive, registration.doc_id, registration.source, n, options,
                                                   run_id="bench"), registration.pages_todo))
    steps.finish(archive, registration.doc_id, run_id="bench")
    try:
        cli_main(["--archive", str(home), "export", registration.doc_id, "--format", "pdf",
                  "--out", str(home / "out.pdf")])
    except SystemExit:
        pass
    return [p.text for p in archive.catalog.pages(registration.doc_id)]


def run_ocrmypdf(pdf: Path, out: Path, jobs: int, extra: list[str]) -> list[str]:
    sidecar = out.with_suffix(".txt")
    proc = subprocess.run([str(ocrmypdf()), "-l", "vie", "--jobs", str(jobs), "--sidecar", str(sidecar), *extra,
                           str(pdf), str(out)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ocrmypdf failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return sidecar.read_text(encoding="utf-8").split("\f")


def cer(pages: list[str], truth: list[str]) -> float:
    return error_rates("\n".join(pages), "\n".join(truth)).cer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    ocrmypdf()
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-ocr-"))
    rows, totals = [], {"sohoa": [], "default": [], "tuned": []}
    for variant in args.variants.split(","):
        pdf, truth = make_variant(variant, args.pages, work)
        results = {}
        for name, run in (("sohoa", lambda: run_sohoa(pdf, work / "archive", args.jobs)),
                          ("default", lambda: run_ocrmypdf(pdf, work / "default.pdf", args.jobs, [])),
                          ("tuned", lambda: run_ocrmypdf(pdf, work / "tuned.pdf", args.jobs, TUNED))):
            start, cpu = time.perf_counter(), cpu_seconds()
            try:
                pages = run()
            except RuntimeError as exc:  # one failed run must not lose the table
                print(f"{variant} {name}: {exc}", flush=True)
                pages = []
            results[name] = (cer(pages, truth), time.perf_counter() - start, cpu_seconds() - cpu)
            totals[name].append(results[name])
        s, d, t = results["sohoa"], results["default"], results["tuned"]
        rows.append([variant, f"{s[0]:.2%}", f"{d[0]:.2%}", f"{t[0]:.2%}", f"{s[0] / max(t[0], 1e-9):.2f}",
                     f"{s[1]:.1f}", f"{d[1]:.1f}", f"{t[1]:.1f}", f"{s[2]:.1f}", f"{d[2]:.1f}", f"{t[2]:.1f}"])
        print(variant, results, flush=True)
    mean = {k: (sum(r[0] for r in v) / len(v), sum(r[1] for r in v), sum(r[2] for r in v)) for k, v in totals.items()}
    rows.append(["**mean / total**", f"{mean['sohoa'][0]:.2%}", f"{mean['default'][0]:.2%}", f"{mean['tuned'][0]:.2%}",
                 f"{mean['sohoa'][0] / max(mean['tuned'][0], 1e-9):.2f}", f"{mean['sohoa'][1]:.1f}",
                 f"{mean['default'][1]:.1f}", f"{mean['tuned'][1]:.1f}", f"{mean['sohoa'][2]:.1f}",
                 f"{mean['default'][2]:.1f}", f"{mean['tuned'][2]:.1f}"])
    headers = ["variant", "CER sohoa", "CER OCRmyPDF", "CER OCRmyPDF tuned", "sohoa / tuned",
               "s sohoa", "s OCRmyPDF", "s tuned", "CPU s sohoa", "CPU s OCRmyPDF", "CPU s tuned"]
    print(f"\n{args.pages} pages per variant ({', '.join(FONTS)}), --jobs {args.jobs}; {load_average()}\n")
    print_table(headers, rows)
    results_dir = Path(__file__).parent / "results"
    results_dir.mkdir(exist_ok=True)
    with open(results_dir / "ocr-bench.md", "w", encoding="utf-8") as out:
        out.write("| " + " | ".join(headers) + " |\n|" + "---|" * len(headers) + "\n")
        out.writelines("| " + " | ".join(map(str, r)) + " |\n" for r in rows)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
