"""The pipeline's archival outputs: ALTO with confidences, a searchable PDF whose text reads back
with every diacritic, exports, and review flags. A few real Tesseract runs, shared by the tests."""

from __future__ import annotations

import json

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from corpus.archive import Archive
from ocr.metrics import error_rates
from sohoa import ingest as steps
from sohoa.cli import main
from sohoa.samples.render import render_pages
from sohoa.settings import Settings
from tests.alto_schema import assert_valid_alto


def _ingest(home: Path, path: Path) -> tuple[Archive, str]:
    archive = Archive(Settings.from_env(home))
    [finished] = steps.ingest_plainly(archive, [steps.Job(path)], run_id="test")
    return archive, finished.document.id


@pytest.fixture(scope="module")
def skewed_typewriter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, list[str]]:
    from sohoa.samples import make_scan

    folder = tmp_path_factory.mktemp("outputs")
    pdf = folder / "skewed.pdf"
    truth = make_scan(pdf, pages=2, font="typewriter", variant="skewed", seed=5)
    archive, doc_id = _ingest(folder / "archive", pdf)
    archive.close()
    return pdf, folder / "archive", doc_id, truth


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_.value.code or 0), captured.out + captured.err


def test_skewed_typewriter_pages_are_read_well(skewed_typewriter) -> None:
    _, home, doc_id, truth = skewed_typewriter
    archive = Archive(Settings.from_env(home))
    pages = archive.catalog.pages(doc_id)
    assert error_rates("\n".join(p.text for p in pages), "\n".join(truth)).cer < 0.02
    for page in pages:
        assert page.quality["psm"] == 4 and not page.needs_review
        assert page.quality["syllable_share"] > 0.95
        assert any(s["step"] == "deskew" and s["applied"] for s in page.steps)
        assert {"image.jpg", "processed.tif", "page.alto.xml", "words.json", "page.hocr"} <= set(page.files)
        # what Tesseract read after its own thresholding: black and white, the page's geometry
        with Image.open(archive.path(page.files["processed.tif"])) as processed:
            assert processed.mode == "1" and processed.size == (page.width, page.height)
            assert processed.info["compression"] == "group4"  # as Tesseract wrote it, not re-encoded
    archive.close()


def test_alto_carries_word_confidences(skewed_typewriter, tmp_path: Path, capsys) -> None:
    _, home, doc_id, _ = skewed_typewriter
    code, _ = _run(capsys, "--archive", str(home), "export", doc_id, "--format", "alto", "--out", str(tmp_path / "alto"))
    assert code == 0
    alto = (tmp_path / "alto" / "page-0001.alto.xml").read_text(encoding="utf-8")
    confidences = [float(c) for c in re.findall(r'WC="([0-9.]+)"', alto)]
    assert len(confidences) > 100 and all(0 <= c <= 1 for c in confidences)
    assert "Đảng" in alto or "ĐẢNG" in alto
    for page_no in (1, 2):  # each page valid ALTO 3.0, numbered, naming the image shipped with it
        root = assert_valid_alto((tmp_path / "alto" / f"page-{page_no:04d}.alto.xml").read_bytes())
        assert root.find(".//{*}Page").get("PHYSICAL_IMG_NR") == str(page_no)
        assert root.find(".//{*}sourceImageInformation/{*}fileName").text == f"page-{page_no:04d}.jpg"
        with Image.open(tmp_path / "alto" / f"page-{page_no:04d}.jpg") as image:
            assert image.size == (int(root.find(".//{*}Page").get("WIDTH")), int(root.find(".//{*}Page").get("HEIGHT")))


def test_searchable_pdf_reads_back_every_diacritic_and_stays_small(skewed_typewriter, tmp_path: Path, capsys) -> None:
    pdf, home, doc_id, _ = skewed_typewriter
    out = tmp_path / "searchable.pdf"
    code, _ = _run(capsys, "--archive", str(home), "export", doc_id, "--format", "pdf", "--out", str(out))
    assert code == 0
    assert out.stat().st_size <= 1.5 * pdf.stat().st_size
    archive = Archive(Settings.from_env(home))
    ocr_text = "\n".join(p.text for p in archive.catalog.pages(doc_id))
    archive.close()
    read_back = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert " ".join(read_back.split()) == " ".join(ocr_text.split())


def test_export_txt_and_hocr(skewed_typewriter, tmp_path: Path, capsys) -> None:
    _, home, doc_id, _ = skewed_typewriter
    assert _run(capsys, "--archive", str(home), "export", doc_id, "--format", "txt", "--out", str(tmp_path / "d.txt"))[0] == 0
    assert (tmp_path / "d.txt").read_text(encoding="utf-8").count("\f") == 1
    assert _run(capsys, "--archive", str(home), "export", doc_id, "--format", "hocr", "--out", str(tmp_path / "h"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["page-0001.hocr", "page-0001.jpg",
                                                                 "page-0002.hocr", "page-0002.jpg"]
    hocr = (tmp_path / "h" / "page-0002.hocr").read_text(encoding="utf-8")
    assert 'xml:lang="vi"' in hocr and "ocrp_lang" in hocr and "title='image \"page-0002.jpg\"" in hocr
    assert "ppageno 1;" in hocr
    code, out = _run(capsys, "--archive", str(home), "export", "nosuchdoc", "--format", "txt", "--out", str(tmp_path / "x"))
    assert code == 8 and out.count("\n") == 1


def test_searchable_pdf_from_images_and_review_of_a_garbled_page(tmp_path: Path, capsys) -> None:
    # an English page: confident OCR, but its words are not Vietnamese syllables
    english = ["The quick brown fox jumps over the lazy dog while the typewriter keeps clattering "
               "through the whole afternoon, and nobody checks the spelling of these strange words."] * 3
    render_pages(english, pages=1, dpi=200, size_pt=14)[0].image.save(tmp_path / "english.png", dpi=(200, 200))
    archive, doc_id = _ingest(tmp_path / "archive", tmp_path / "english.png")
    (page,) = archive.catalog.pages(doc_id)
    archive.close()
    assert page.needs_review and any(r.startswith("syllables") for r in page.quality["reasons"])
    (guard,) = [s for s in page.steps if s["step"] == "guard"]  # doubtful: read again as bare Tesseract would
    code, out = _run(capsys, "--archive", str(tmp_path / "archive"), "review")
    assert code == 0 and doc_id in out and "syllables" in out
    code, out = _run(capsys, "--archive", str(tmp_path / "archive"), "review", "--json")
    assert code == 0 and json.loads(out)[0]["guard"] == guard["kept"] in ("sohoa", "bare")
    code, _ = _run(capsys, "--archive", str(tmp_path / "archive"), "export", doc_id, "--format", "pdf",
                   "--out", str(tmp_path / "english.pdf"))
    assert code == 0
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "english.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "quick brown fox" in text


def test_eval_ocr_recognizes_a_scan(skewed_typewriter, tmp_path: Path) -> None:
    pdf, _, _, truth = skewed_typewriter
    (tmp_path / "truth.txt").write_text("\f".join(truth), encoding="utf-8")
    result = subprocess.run([".venv/bin/sohoa", "eval-ocr", str(pdf), str(tmp_path / "truth.txt"), "--max-cer", "0.02"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CER ")


def _rotated_pdf(folder: Path) -> Path:
    """A generated Vietnamese page stored sideways on a landscape PDF page whose /Rotate 90 shows it upright
    (as some scanners write them)."""
    import pikepdf

    from sohoa.samples import make_pages
    from sohoa.samples.aging import save_pdf

    (page,) = make_pages(pages=1, font="serif", variant="clean", seed=7)
    sideways, rotated = folder / "sideways.pdf", folder / "rotate90.pdf"
    save_pdf([page.image.rotate(90, expand=True)], sideways, page.dpi)  # PIL turns counter-clockwise
    with pikepdf.open(sideways) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(rotated)
    return rotated


def test_searchable_pdf_lays_the_text_right_on_pages_with_rotate(tmp_path: Path, capsys) -> None:
    """(Real /Rotate'd and skewed pages, read by four readers: tests/test_ocr_archival.py.)"""
    pdf = _rotated_pdf(tmp_path)
    archive, doc_id = _ingest(tmp_path / "archive", pdf)
    ocr_text = "\n".join(p.text for p in archive.catalog.pages(doc_id))
    archive.close()
    out = tmp_path / "searchable.pdf"
    assert _run(capsys, "--archive", str(tmp_path / "archive"), "export", doc_id, "--format", "pdf", "--out", str(out))[0] == 0
    read_back = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert len(ocr_text) > 300 and " ".join(read_back.split()) == " ".join(ocr_text.split())
    # and the words lie along the displayed lines (an unrotated layer stands them on end)
    boxes = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    long_words = [tuple(float(v) for v in m) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">\w{6,}<', boxes)]
    across = sum(x1 - x0 > y1 - y0 for x0, y0, x1, y1 in long_words)
    assert long_words and across >= 0.9 * len(long_words)


def test_tesseract_is_told_the_resolution_so_thin_strokes_are_read() -> None:
    """The BMP handed to Tesseract carries no resolution. Told none, Tesseract guesses one from the
    type size (~457 dpi here) and drops thin strokes as noise: on this page, the "II" of "khóa II"."""
    from ocr.preprocess import prepare
    from ocr.recognize import RecognizeOptions, recognize
    from sohoa.samples import make_pages

    page = make_pages(pages=1, font="typewriter", variant="clean", seed=7)[0]
    assert "(khóa II)" in page.text
    prepared = prepare(page.image, page.dpi)
    result = recognize(prepared.image, prepared.dpi, RecognizeOptions(psm=4))
    assert "(khóa II)" in result.text


def _top_third(*, font: str, variant: str, seed: int) -> tuple[np.ndarray, int]:
    """The top third of a generated page, grey, and its resolution: a few Tesseract seconds."""
    from sohoa.samples import make_pages

    page = make_pages(pages=1, font=font, variant=variant, seed=seed)[0]
    return np.ascontiguousarray(np.asarray(page.image.convert("L"))[: page.image.height // 3]), page.dpi


def _bare_tesseract_words(gray: np.ndarray, dpi: int, folder: Path) -> list[str]:
    """The words the bare `tesseract` CLI reads, with its defaults, from a TIFF of ``gray`` that
    carries its resolution (as a scanner's does)."""
    tiff = folder / "page.tif"
    Image.fromarray(gray).save(tiff, dpi=(dpi, dpi))
    text = subprocess.run(["tesseract", str(tiff), "-", "-l", "vie", "--psm", "4"], capture_output=True,
                          text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    return unicodedata.normalize("NFC", text).split()


def test_tesseract_reads_the_page_from_a_bmp_as_it_would_from_a_tiff(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    """Leptonica reads a PGM at ~150 instructions a pixel, ~6 % of Tesseract's work on a 300-dpi
    page (callgrind, bench/HISTORY.md), and a BMP a row at a time. The page goes to Tesseract as a BMP,
    pixel for pixel, and reads as the same pixels do from a TIFF with their resolution."""
    import cv2

    from ocr import recognize as recognition

    handed: dict[str, object] = {}
    run_tesseract = recognition.run_tesseract

    def spy(input_filename: str, *args: object, **kwargs: object) -> None:
        handed.update(header=Path(input_filename).read_bytes()[:2],
                      pixels=cv2.imread(input_filename, cv2.IMREAD_UNCHANGED))
        run_tesseract(input_filename, *args, **kwargs)

    monkeypatch.setattr(recognition, "run_tesseract", spy)
    gray, dpi = _top_third(font="serif", variant="clean", seed=2)
    result = recognition.recognize(gray, dpi, recognition.RecognizeOptions(psm=4))
    assert handed["header"] == b"BM"
    assert np.array_equal(handed["pixels"], gray)

    assert result.text.split() == _bare_tesseract_words(gray, dpi, tmp_path)
    assert len(result.words) > 50


def test_tesseract_skips_its_pitch_search_and_reads_a_typewriter_page_the_same(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    """Tesseract's search for a fixed character pitch serves its legacy engine, not the LSTM one
    sohoa uses (~4 % of its instructions, bench/HISTORY.md). sohoa turns it off; a typewriter page,
    fixed pitch throughout, reads word for word as it does with the search on."""
    from ocr import recognize as recognition

    configs: list[str] = []
    run_tesseract = recognition.run_tesseract

    def spy(*args: object, config: str = "", **kwargs: object) -> None:
        configs.append(config)
        run_tesseract(*args, config=config, **kwargs)

    monkeypatch.setattr(recognition, "run_tesseract", spy)
    gray, dpi = _top_third(font="typewriter", variant="aged", seed=3)
    result = recognition.recognize(gray, dpi, recognition.RecognizeOptions(psm=4))
    assert "textord_disable_pitch_test=1" in configs[0].split()

    assert result.text.split() == _bare_tesseract_words(gray, dpi, tmp_path)
    assert len(result.words) > 50
