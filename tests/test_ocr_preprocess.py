"""Preprocessing steps: cheap, recorded, switchable; pages come out upright and level (no OCR here)."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr import cleanup, geometry
from ocr.layout import choose_psm
from ocr.preprocess import NOISY, PreprocessOptions, prepare
from sohoa.samples import make_pages
from sohoa.samples.render import render_pages
from sohoa.samples.texts import HISTORY

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def _turned(steps: list[dict[str, object]]) -> int:
    return sum(int(s["rotated"]) for s in steps if s["step"] == "orientation") % 360  # type: ignore[arg-type]


@pytest.mark.parametrize("font", ["serif", "typewriter"])
@pytest.mark.parametrize("variant,turn", [("rotated90", 90), ("rotated180", 180), ("clean", 0)])
def test_pages_come_out_upright(font: str, variant: str, turn: int) -> None:
    page = make_pages(pages=1, font=font, variant=variant, seed=2)[0]
    assert _turned(prepare(page.image, page.dpi).steps) == turn


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_skew_is_measured_within_a_third_of_a_degree(seed: int) -> None:
    page = make_pages(pages=1, font="typewriter", variant="skewed", seed=seed)[0]
    steps = prepare(page.image, page.dpi).steps
    (deskew,) = [s for s in steps if s["step"] == "deskew"]
    assert deskew["applied"] and abs(float(deskew["angle"]) - page.angle) <= 0.3  # type: ignore[arg-type]


def test_real_sideways_scan_is_turned_upright() -> None:
    path = SAMPLES / "scans-vi" / "vietsample2.tif"
    if not path.exists():
        pytest.skip("shared samples are not here")
    assert _turned(prepare(Image.open(path), 300).steps) == 270


def test_steps_are_recorded_and_each_can_be_switched_off() -> None:
    page = make_pages(pages=1, variant="lowres", seed=1)[0]
    assert "upscale" not in [s["step"] for s in prepare(page.image, page.dpi).steps]  # 200 dpi is read as it is
    prepared = prepare(page.image, 120)  # the same pixels said to be a 120-dpi scan: brought to 200
    names = [s["step"] for s in prepared.steps]
    assert names[:2] == ["grayscale", "background"] and "upscale" in names and names[-1] == "binarize"
    assert prepared.dpi == 200 and prepared.image.shape[1] == round(page.image.width * 200 / 120)
    assert prepared.steps[-1]["method"].startswith("tesseract")  # upscaled grey strokes: Tesseract thresholds
    at_300 = prepare(page.image, 300)  # by default Tesseract thresholds the flattened grey page too
    assert at_300.steps[-1] == {"step": "binarize", "method": "tesseract (global, default)"}
    assert at_300.image is at_300.view and not at_300.binary and len(np.unique(at_300.image)) > 2
    sauvola = prepare(page.image, 300, PreprocessOptions(threshold="sauvola"))  # still there on request
    assert sauvola.steps[-1] == {"step": "binarize", "method": "sauvola"}
    assert sauvola.binary and set(np.unique(sauvola.image)) <= {0, 255} and sauvola.view.shape == sauvola.image.shape
    assert prepare(page.image, 120, PreprocessOptions(threshold="sauvola")).steps[-1]["method"].startswith(
        "tesseract")  # not after upscaling
    bare = prepare(page.image, page.dpi, PreprocessOptions(disabled=frozenset({"upscale", "binarize", "background"})))
    assert [s["step"] for s in bare.steps if s["step"] in ("upscale", "binarize", "background")] == []
    assert bare.dpi == 200


def test_preprocessing_costs_well_under_a_tesseract_run() -> None:
    page = make_pages(pages=1, variant="aged", seed=1)[0]
    prepare(page.image, page.dpi)
    start = time.perf_counter()
    prepare(page.image, page.dpi)
    assert time.perf_counter() - start < 1.5  # measured about 0.3 s on an idle core; tesseract takes 2-4 s


def test_background_normalization_darkens_faded_ink_on_yellow_paper() -> None:
    page = make_pages(pages=1, font="typewriter", variant="aged", seed=1)[0]
    gray = np.asarray(page.image.convert("L"))
    flat = cleanup.normalize_background(gray)
    assert np.percentile(gray, 1) > 100  # faded: even the darkest ink is grey
    assert np.percentile(flat, 1) < 40 and np.median(flat) > 245


def test_borders_and_punch_holes_are_whitened() -> None:
    image = render_pages(HISTORY, pages=1, dpi=300)[0].image
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 60, image.height), fill=20)  # copier shadow on the left
    for y in (800, 2600):
        draw.ellipse((120, y, 200, y + 80), fill=0)  # binder holes in the margin
    prepared = prepare(image, 300)
    borders = [s for s in prepared.steps if s["step"] == "borders"]
    holes = [s for s in prepared.steps if s["step"] == "punch_holes"]
    assert borders and borders[0]["removed"]["left"] >= 60  # type: ignore[index]
    assert holes and holes[0]["removed"] == 2
    assert prepared.image[:, :210].min() == 255


def test_psm_is_chosen_per_page() -> None:
    one = np.asarray(render_pages(HISTORY, pages=1, face="typewriter", dpi=150)[0].image)
    two = np.asarray(render_pages(HISTORY, pages=1, columns=2, dpi=150)[0].image)
    assert choose_psm(one) == (4, 1)
    assert choose_psm(two) == (3, 2)


def test_two_columns_under_a_title_across_them_are_still_two() -> None:
    """A bulletin's first page: its title crosses the gutter, and the columns must still be found
    (psm 4 would read straight across them, CER ~70 %)."""
    titled = render_pages(HISTORY, pages=1, columns=2, dpi=150, title="BẢN TIN SINH HOẠT CHI BỘ THÁNG 9/2023 "
                          "CỦA ĐẢNG BỘ XÃ NGHĨA TRUNG")[0]
    assert titled.image.width * 0.6 < _ink_width_of_first_line(titled.image)  # the title does cross the gutter
    assert choose_psm(np.asarray(titled.image)) == (3, 2)
    # the ragged ends of a single column's short lines are not a gutter
    short = ["Rước đèn tháng tám.", "Ông trăng tròn sáng tỏ.", "Đèn ông sao đỏ rực."] * 4
    long = ["Đêm rằm tháng tám, cả xóm cùng rước đèn ông sao đi khắp các ngõ, trống ếch rộn ràng theo "
            "bước chân các em nhỏ."]
    poem = render_pages((short + long) * 3, pages=1, dpi=150)[0]
    assert choose_psm(np.asarray(poem.image)) == (4, 1)


def _ink_width_of_first_line(image: Image.Image) -> int:
    ink = np.asarray(image.convert("L")) < 128
    first_row = np.flatnonzero(ink.any(axis=1))[0]
    columns = np.flatnonzero(ink[first_row:first_row + 20].any(axis=0))
    return int(columns[-1] - columns[0])


def test_level_then_measure_leaves_no_skew() -> None:
    page = make_pages(pages=1, variant="skewed", seed=3)[0]
    gray = cleanup.normalize_background(np.asarray(page.image.convert("L")))
    levelled = geometry.level(gray, geometry.skew_angle(geometry.ink_mask(gray, 0.25)))
    assert abs(geometry.skew_angle(geometry.ink_mask(levelled, 0.25))) <= 0.3
    assert cv2.countNonZero(255 - levelled) > 0


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (7, 7), (64, 51), (400, 333)])
def test_histogram_quantile_is_numpys_quantile_of_the_masked_pixels(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0])
    values = rng.integers(0, 256, shape, dtype=np.uint8)
    for share in (0.0, 0.3, 1.0):  # none, an odd or even number, all of the pixels
        mask = ((rng.random(shape) < share) * 255).astype(np.uint8)
        for q in (0.0, 0.005, 0.5, 0.9, 1.0):  # the stretch's darkest ink, the noise's median
            expected = float(np.quantile(values[mask > 0], q)) if mask.any() else 0.0
            assert cleanup.histogram_quantile(values, q, mask) == expected
    assert cleanup.histogram_quantile(values[::2, ::3], 0.005) == float(np.percentile(values[::2, ::3], 0.5))


def test_the_noise_level_of_a_grainy_page_is_the_spread_of_its_paper() -> None:
    rng = np.random.default_rng(3)
    levels = [cleanup.noise_level(np.clip(rng.normal(235, grain, (600, 400)), 0, 255).astype(np.uint8))
              for grain in (4.0, 12.0)]
    assert levels == [pytest.approx(4.0, rel=0.2), pytest.approx(12.0, rel=0.2)]
    assert levels[0] < NOISY < levels[1]  # only the grainier paper is median-filtered


def test_red_seal_ink_is_lifted_and_black_strokes_under_it_stay() -> None:
    page = Image.new("RGB", (600, 400), (245, 240, 230))
    draw = ImageDraw.Draw(page)
    draw.ellipse((150, 50, 450, 350), outline=(200, 40, 50), width=12)  # a seal's ring
    draw.rectangle((100, 190, 500, 204), fill=(20, 20, 25))  # a black stroke across it
    still = PreprocessOptions(orientation=False, disabled=frozenset({"deskew"}))  # no text: nothing to turn by
    prepared = prepare(page, 300, still)
    (seals,) = [s for s in prepared.steps if s["step"] == "seals"]
    assert 0.01 < seals["red_share"] < 0.1  # type: ignore[operator]
    gray = np.asarray(page.convert("L"))
    assert gray[56, 300] < 110 and prepared.view[56, 300] > 180  # the ring: dark grey before, paper now
    assert prepared.view[197, 160] < 100 and prepared.view[197, 120] < 100  # the black stroke, on the ring and off
    assert "seals" not in [s["step"] for s in prepare(page.convert("L"), 300).steps]  # no colour, no step
    unlifted = prepare(page, 300, PreprocessOptions(orientation=False, disabled=frozenset({"deskew", "seals"})))
    assert "seals" not in [s["step"] for s in unlifted.steps] and unlifted.view[56, 300] < 110
