"""Real scans and photos (../shared/samples): turned any way, they come back upright; their
resolution is judged from the text; and the whole pipeline reads them no worse than bare Tesseract."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr.geometry import turn
from ocr.preprocess import prepare
from ocr.sources import open_source, render_page

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
REAL_PAGES = sorted([*SAMPLES.glob("scans-real/*"), *SAMPLES.glob("scans-vi/*")])
AS_STORED = {"vietsample2.tif": 270}  # clockwise turn that makes a stored page upright; the rest are upright
TEST_PIXELS = 1_200_000  # larger pages are shrunk to this for the turning test (~110 dpi for A4, like the real low-resolution scans)

pytestmark = pytest.mark.skipif(not REAL_PAGES, reason="shared samples are not here")


def _turned(steps: list[dict[str, object]]) -> int:
    return sum(int(s["rotated"]) for s in steps if s["step"] == "orientation") % 360  # type: ignore[arg-type]


def _page(path: Path) -> tuple[np.ndarray, int | None]:
    """The page in grey as sohoa renders it, and its tag; big pages shrunk (their tag with them)."""
    rendered = render_page(open_source(path), 1)
    gray = np.asarray(rendered.image.convert("L")) if not isinstance(rendered.image, np.ndarray) else rendered.image
    if gray.size > TEST_PIXELS:
        scale = (TEST_PIXELS / gray.size) ** 0.5
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return gray, round(rendered.tag * scale) if rendered.tag else None
    return gray, rendered.tag


@pytest.mark.parametrize("path", REAL_PAGES, ids=lambda p: p.name)
def test_real_page_turned_any_way_comes_back_upright(path: Path) -> None:
    gray, tag = _page(path)
    upright = AS_STORED.get(path.name, 0)
    for clockwise in (0, 90, 180, 270):
        steps = prepare(turn(gray, clockwise), tag or 300, tag=tag).steps
        assert _turned(steps) == (upright - clockwise) % 360, (clockwise, steps)


@pytest.mark.parametrize("name,low,high", [("VBHC-10.jpg", 80, 130), ("KAI-03.jpg", 90, 150),
                                           ("VBHC-12.jpg", 250, 400), ("KAI-02.jpg", 60, 95)])
def test_resolution_is_read_from_the_text_when_the_tag_is_missing_or_wrong(name: str, low: int, high: int) -> None:
    rendered = render_page(open_source(SAMPLES / "scans-real" / name), 1)
    (step,) = [s for s in prepare(rendered.image, rendered.dpi, tag=rendered.tag).steps if s["step"] == "resolution"]
    assert low <= int(step["estimate"]) <= high  # type: ignore[arg-type]
    if rendered.tag == 300:  # a plausible tag the text agrees with is kept
        assert step["used"] == 300 and step["reason"] == "tag"
    else:  # VBHC-10, KAI-03: no tag; KAI-02: "96" on a ~75-dpi photo, implausible
        assert step["used"] == step["estimate"] and step["reason"] in ("no tag", "implausible tag")


def test_two_column_page_at_96_ppi_without_a_tag_reads_column_by_column(tmp_path: Path) -> None:
    from ocr.metrics import error_rates
    from ocr.pipeline import OcrOptions, ocr_page
    from sohoa.samples import make_pages

    sample = make_pages(pages=1, font="serif", variant="clean", dpi=96, columns=2, seed=5)[0]
    sample.image.save(tmp_path / "magazine.png")  # no resolution tag, as a 96-ppi web scan comes
    page = ocr_page(open_source(tmp_path / "magazine.png"), "doc", 1, OcrOptions()).page
    (resolution,) = [s for s in page.steps if s["step"] == "resolution"]
    assert resolution["tag"] is None and 70 <= int(resolution["estimate"]) <= 130  # type: ignore[arg-type]
    assert page.quality["columns"] == 2 and page.quality["psm"] == 3
    # read across the gutter, every line would join two columns' halves: CER far above this
    assert error_rates(page.text, sample.text).cer < 0.05


def test_coarse_untagged_scan_is_sized_from_its_text_and_reads_no_worse_than_bare_tesseract(tmp_path: Path) -> None:
    """VBHC-06 brought down to 80 dpi with no tag: its tone marks touch their letters, yet the
    estimate finds the x-height; Tesseract is not told that estimate and reads the upscaled page."""
    import subprocess

    from PIL import Image

    from ocr.metrics import error_rates
    from ocr.pipeline import OcrOptions, ocr_page

    truth = (Path(__file__).parent / "real_truth" / "VBHC-06.txt").read_text(encoding="utf-8")
    scan = Image.open(SAMPLES / "scans-real" / "VBHC-06.png").convert("L")
    scan.resize((round(scan.width * 80 / 300), round(scan.height * 80 / 300)), Image.LANCZOS).save(tmp_path / "p.png")
    page = ocr_page(open_source(tmp_path / "p.png"), "doc", 1, OcrOptions()).page
    (resolution,) = [s for s in page.steps if s["step"] == "resolution"]
    assert resolution["tag"] is None and 70 <= int(resolution["estimate"]) <= 110  # type: ignore[arg-type]
    bare = subprocess.run(["tesseract", str(tmp_path / "p.png"), "-", "-l", "vie"], capture_output=True, text=True,
                          check=True).stdout
    assert error_rates(page.text, truth).cer <= error_rates(bare, truth).cer


def test_red_seal_over_the_signature_is_lifted_out_and_the_page_reads_better() -> None:
    """KAI-01: a red seal over "GIÁM ĐỐC" and the signature; black text under it stays."""
    from ocr.metrics import error_rates
    from ocr.pipeline import OcrOptions, ocr_page
    from ocr.preprocess import PreprocessOptions

    truth = (Path(__file__).parent / "real_truth" / "KAI-01.txt").read_text(encoding="utf-8")
    source = open_source(SAMPLES / "scans-real" / "KAI-01.png")
    lifted = ocr_page(source, "doc", 1, OcrOptions()).page
    kept = ocr_page(source, "doc", 1, OcrOptions(preprocess=PreprocessOptions(disabled=frozenset({"seals"})))).page
    assert "seals" in [s["step"] for s in lifted.steps]
    assert error_rates(lifted.text, truth).cer < error_rates(kept.text, truth).cer
