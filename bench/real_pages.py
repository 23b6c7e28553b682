"""Issue 19's table: real scans and photos, sohoa against bare Tesseract and OCRmyPDF-tuned.

    python -m bench real [--skip-ocrmypdf] [--skip-batch] [--without STEP,...]

Material: every page of ``../shared/samples/scans-real`` and ``scans-vi``, and pages degraded
the way real ones are: a 1-bit scan downsampled to 80 dpi with no tag, the same scan at full
size tagged 72, a phone photo turned 180°, a low-resolution scan re-saved as a poor JPEG, a
generated two-column page at 96 ppi with no tag, and generated pages photographed on a table
(``bench.photos``: in perspective, lit from one side, a phone's JPEG; one of them also turned 8°).
CER where a truth exists (``tests/real_truth``, transcribed by hand; generated text for the
generated pages).

- sohoa: ``ocr_page`` on the file (render, preprocess, Tesseract, guard), one page at a time;
  ``--without perspective,background`` adds sohoa with those preprocessing steps off (CER,
  confidence, valid syllables), to measure what the steps bring;
- bare: ``tesseract IMG - -l vie``, what a new user runs first;
- OCRmyPDF tuned: ``--deskew --rotate-pages --tesseract-pagesegmode 4 --tesseract-thresholding
  sauvola``; where OCRmyPDF refuses the image's tag (none, or 96 and under) it is given
  ``--image-dpi`` as its user would: the tag itself, or 300 (what scanners are set to) without one.

Per page: CER, sohoa's mean confidence, the valid-syllable share of each reading, the rotation and
resolution sohoa chose, whether its guard stepped in, and CPU seconds (process tree). Then the
batch: all single-page images through sohoa's page pipeline on two threads against
``xargs -P2 tesseract`` on the same files. Results also go to ``bench/results/real-pages.md``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PIL import Image

from bench.common import cpu_seconds, load_average, print_table
from bench.photos import photograph
from bench.ocr_bench import TUNED, ocrmypdf
from ocr.metrics import error_rates
from ocr.pipeline import OcrOptions, ocr_page
from ocr.preprocess import PreprocessOptions
from ocr.quality import syllable_share
from ocr.sources import open_source
from sohoa.samples import make_pages

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
TRUTH = Path(__file__).resolve().parents[1] / "tests" / "real_truth"
T = TypeVar("T")
CREDIBLE_TO_OCRMYPDF = 96  # up to this (or no tag) OCRmyPDF refuses an image without --image-dpi


@dataclass(frozen=True)
class Material:
    path: Path
    truth: str | None


def real_pages() -> list[Material]:
    pages = sorted([*SAMPLES.glob("scans-real/*"), *SAMPLES.glob("scans-vi/*")])
    return [Material(p, (TRUTH / f"{p.stem}.txt").read_text(encoding="utf-8")
                     if (TRUTH / f"{p.stem}.txt").exists() else None) for p in pages]


def degraded_pages(folder: Path) -> list[Material]:
    """Pages spoiled the way real archives spoil them, each from a page whose text is known."""
    truth = {name: (TRUTH / f"{name}.txt").read_text(encoding="utf-8") for name in ("VBHC-06", "VBHC-10", "KAI-03")}
    scan = Image.open(SAMPLES / "scans-real" / "VBHC-06.png").convert("L")
    low = scan.resize((round(scan.width * 80 / 300), round(scan.height * 80 / 300)), Image.LANCZOS)
    low.save(folder / "VBHC-06-80dpi-untagged.png")  # PNG with no pHYs chunk: no tag
    scan.save(folder / "VBHC-06-tagged-72.png", dpi=(72, 72))
    Image.open(SAMPLES / "scans-real" / "KAI-03.jpg").rotate(180).save(folder / "KAI-03-turned-180.png")
    Image.open(SAMPLES / "scans-real" / "VBHC-10.jpg").save(folder / "VBHC-10-jpeg-q20.jpg", quality=20)
    two_columns = make_pages(pages=1, font="serif", variant="clean", dpi=96, columns=2, seed=5)[0]
    two_columns.image.save(folder / "two-columns-96ppi.png")
    sheet = make_pages(pages=1, font="serif", variant="clean", seed=3)[0]
    (folder / "photo-angled.jpg").write_bytes(photograph(sheet.image, 1, tilt=0.25, light=0.6))
    (folder / "photo-angled-turned.jpg").write_bytes(photograph(sheet.image, 7, tilt=0.25, turn=8, light=0.6))
    return [Material(folder / "VBHC-06-80dpi-untagged.png", truth["VBHC-06"]),
            Material(folder / "VBHC-06-tagged-72.png", truth["VBHC-06"]),
            Material(folder / "KAI-03-turned-180.png", truth["KAI-03"]),
            Material(folder / "VBHC-10-jpeg-q20.jpg", truth["VBHC-10"]),
            Material(folder / "two-columns-96ppi.png", two_columns.text),
            Material(folder / "photo-angled.jpg", sheet.text), Material(folder / "photo-angled-turned.jpg", sheet.text)]


def cpu_of(run: Callable[[], T]) -> tuple[T, float]:
    """What ``run`` returns, and the CPU seconds it took (this process and the programs it ran)."""
    before = cpu_seconds()
    result = run()
    return result, cpu_seconds() - before


def read_bare(path: Path) -> str:
    return subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True,
                          check=True).stdout


def read_ocrmypdf(path: Path, work: Path) -> str:
    sidecar, out = work / f"{path.stem}.txt", work / f"{path.stem}.pdf"
    tag = (Image.open(path).info.get("dpi") or (0,))[0]
    command = [str(ocrmypdf()), "-l", "vie", "--jobs", "1", "--sidecar", str(sidecar), *TUNED,
               *([] if tag > CREDIBLE_TO_OCRMYPDF else ["--image-dpi", str(round(tag) or 300)]), str(path), str(out)]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ocrmypdf failed ({proc.returncode}): {proc.stderr.strip()[-300:]}")
    return sidecar.read_text(encoding="utf-8")


def _share(text: str) -> str:
    share, _ = syllable_share(text)
    return "–" if share is None else f"{share:.3f}"


def _cer(text: str, truth: str | None) -> float | None:
    return None if truth is None else error_rates(text, truth).cer


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def measure_pages(pages: list[Material], work: Path, with_ocrmypdf: bool,
                  without: frozenset[str] = frozenset()) -> tuple[list[list[str]], dict[str, list[float]]]:
    rows, cers = [], {"sohoa": [], "bare": [], "tuned": []}
    for material in pages:
        outcome, cpu = cpu_of(lambda: ocr_page(open_source(material.path), "bench", 1, OcrOptions()))
        lesser = []  # sohoa with the ``without`` steps off: CER, confidence, valid syllables
        if without:
            off = ocr_page(open_source(material.path), "bench", 1,
                           OcrOptions(preprocess=PreprocessOptions(disabled=without))).page
            lesser = [_pct(_cer(off.text, material.truth)), f"{off.mean_confidence or 0:.1f}", _share(off.text)]
        bare, bare_cpu = cpu_of(lambda: read_bare(material.path))
        tuned, tuned_cpu = ("", 0.0)
        if with_ocrmypdf:
            try:
                tuned, tuned_cpu = cpu_of(lambda: read_ocrmypdf(material.path, work))
            except RuntimeError as exc:  # one failed run must not lose the table
                print(material.path.name, exc, flush=True)
        page = outcome.page
        steps = {s["step"]: s for s in page.steps}
        rotation = sum(int(s["rotated"]) for s in page.steps if s["step"] == "orientation") % 360  # type: ignore[arg-type]
        resolution = steps.get("resolution", {})
        guard = steps.get("guard", {}).get("kept", "–")
        errors = {"sohoa": _cer(page.text, material.truth), "bare": _cer(bare, material.truth),
                  "tuned": _cer(tuned, material.truth) if with_ocrmypdf else None}
        for name, value in errors.items():
            if value is not None:
                cers[name].append(value)
        rows.append([material.path.name, _pct(errors["sohoa"]), _pct(errors["bare"]), _pct(errors["tuned"]),
                     f"{page.mean_confidence or 0:.1f}", _share(page.text), _share(bare), _share(tuned),
                     f"{rotation}°", f"{resolution.get('tag') or '–'}/{resolution.get('estimate') or '–'}/{page.dpi}",
                     str(guard), f"{cpu:.1f}", f"{bare_cpu:.1f}", f"{tuned_cpu:.1f}", *lesser])
        print(" | ".join(rows[-1]), flush=True)
    return rows, cers


def measure_batch(paths: list[Path]) -> tuple[float, float]:
    """Wall seconds for sohoa's page pipeline on two threads and for ``xargs -P2 tesseract``."""
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda p: ocr_page(open_source(p), "bench", 1, OcrOptions()), paths))
    sohoa = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(["xargs", "-P2", "-I{}", "tesseract", "{}", "-", "-l", "vie"], input="\n".join(map(str, paths)),
                   capture_output=True, text=True, check=True)
    return sohoa, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-ocrmypdf", action="store_true", help="Leave OCRmyPDF out (it is installed on first use).")
    parser.add_argument("--skip-batch", action="store_true", help="Leave the batch wall-time comparison out.")
    parser.add_argument("--without", default="", help="Also read each page with these preprocessing steps off "
                        "(comma-separated names from ocr.preprocess.STEPS).")
    args = parser.parse_args()
    without = frozenset(filter(None, args.without.split(",")))
    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-real-"))
    pages = real_pages() + degraded_pages(work)
    rows, cers = measure_pages(pages, work, not args.skip_ocrmypdf, without)
    mean = {name: sum(v) / len(v) if v else None for name, v in cers.items()}
    rows.append(["**mean CER (pages with truth)**", _pct(mean["sohoa"]), _pct(mean["bare"]), _pct(mean["tuned"]),
                 *[""] * (10 + 3 * bool(without))])
    headers = ["page", "CER sohoa", "CER bare", "CER OCRmyPDF tuned", "conf. sohoa", "syll. sohoa", "syll. bare",
               "syll. tuned", "rotation", "dpi tag/estimate/read at", "guard", "CPU s sohoa", "CPU s bare",
               "CPU s tuned"]
    if without:
        off = "sohoa without " + "+".join(sorted(without))
        headers += [f"CER {off}", f"conf. {off}", f"syll. {off}"]
    print(f"\n{load_average()}\n")
    print_table(headers, rows)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers), *("| " + " | ".join(r) + " |" for r in rows)]
    if not args.skip_batch:
        images = [m.path for m in pages]
        sohoa, bare = measure_batch(images)
        batch = f"batch of {len(images)} single-page images: sohoa {sohoa:.1f} s, xargs -P2 tesseract {bare:.1f} s, ratio {sohoa / bare:.2f}"
        print(batch)
        lines += ["", batch]
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "real-pages.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
