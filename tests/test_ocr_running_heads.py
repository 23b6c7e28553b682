"""Running heads and page numbers: kept in each page's OCR, left out of the reading text
(``corpus.running_heads``: ``sohoa text``, search, audiobooks), kept by ``sohoa text --all``."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import ImageDraw, ImageFont

from corpus.archive import Archive
from corpus.models import Document, DocumentMeta
from corpus.running_heads import PAGE_NUMBER, find_running_lines, reading_texts
from ocr.metrics import error_rates
from ocr.pipeline import OcrOptions, PageOutcome, ocr_page
from ocr.sources import open_source
from sohoa.cli import main
from sohoa.samples import make_pages
from sohoa.samples.render import font_path

HEAD = "TẠP CHÍ NAM PHONG - SỐ {}"


def _numbers(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and PAGE_NUMBER.match(line)]


def test_heads_that_repeat_with_changing_numbers_and_lone_page_numbers_are_found() -> None:
    pages = ["TẠP CHÍ NAM PHONG - SỐ 12\nKhi đăng cái thơ của ông\nnày, phải có lời văn đưa.\n- 3 -",
             "TAP CHÍ NAM PHONG - SỐ 12\nđể độc giả hiểu rõ\nnhững điều ông viết.\n- 4 -",  # one mark misread
             "TẠP CHÍ NAM PHONG - SỐ 12\nChương hai\nmở đầu câu chuyện.\nTrang 5/9"]
    assert find_running_lines(pages) == [{0, 3}, {0, 3}, {0, 3}]
    assert reading_texts(pages)[1] == "để độc giả hiểu rõ\nnhững điều ông viết."


def test_lines_printed_once_and_one_page_documents_keep_everything() -> None:
    letter = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKính gửi: Sở Y tế\nNội dung thư.\n12"
    assert reading_texts([letter]) == [letter]  # a lone number on a one-page document may be its own
    pages = ["QUYẾT ĐỊNH\nVề việc thành lập\nĐiều 1. Nay thành lập ban.\nGIÁM ĐỐC",
             "Điều 2. Ban có nhiệm vụ\nĐiều 3. Các ông bà\nchịu trách nhiệm thi hành.\nNơi nhận: Như điều 3"]
    assert find_running_lines(pages) == [set(), set()]


def test_search_and_the_read_aloud_text_leave_the_heads_out_and_the_page_keeps_them(tmp_path: Path) -> None:
    import search_index
    from tests.search_fixtures import add_document

    archive = Archive.open(tmp_path / "archive")
    bodies = ["Khi đăng cái thơ của ông\nnày, phải có lời văn đưa\nđể độc giả hiểu rõ.",
              "Chương hai mở đầu\nbằng một lời văn khác\nvề những điều ông viết.",
              "Trang cuối kể lại\ncâu chuyện bằng lời văn\ncủa người đương thời."]
    pages = [f"{HEAD.format(12)}\n{body}\n- {n} -" for n, body in zip((3, 4, 5), bodies)]
    add_document(archive, "namphong", DocumentMeta(title="Tạp chí", kind="other"), pages)
    search_index.update_document(archive, "namphong")

    assert search_index.search(archive, "\"nam phong\"").total_pages == 0  # only ever in the running head
    hits = search_index.search(archive, "lời văn").documents[0].pages
    assert len(hits) == 3 and all("NAM PHONG" not in hit.snippet_html for hit in hits)
    assert "NAM PHONG" not in archive.reading_text("namphong") and "- 4 -" not in archive.reading_text("namphong")
    assert archive.document_text("namphong").count("NAM PHONG") == 3  # the page text keeps what was printed
    archive.close()


@pytest.fixture(scope="module")
def magazine(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[PageOutcome], list[str]]:
    """Three two-column pages at 96 ppi, no tag, a running head over each and a page number under
    it, each read as page N of a document; and their truth."""
    folder = tmp_path_factory.mktemp("magazine")
    samples = make_pages(pages=3, font="serif", variant="clean", dpi=96, columns=2, seed=7)
    font = ImageFont.truetype(str(font_path("serif")), 14)
    paths = []
    for number, sample in enumerate(samples, start=12):
        image = sample.image.convert("L")
        draw = ImageDraw.Draw(image)
        draw.text((image.width // 2, 30), HEAD.format(number), font=font, fill=0, anchor="mm")
        draw.text((image.width // 2, image.height - 30), f"- {number} -", font=font, fill=0, anchor="mm")
        paths.append(folder / f"page-{number}.png")
        image.save(paths[-1])
    outcomes = [ocr_page(open_source(path), "mag", 1, OcrOptions()) for path in paths]
    for page_no, outcome in enumerate(outcomes, start=1):
        outcome.page = replace(outcome.page, page_no=page_no)
    return outcomes, [s.text for s in samples]


def test_two_column_magazine_reads_column_by_column_without_its_heads_and_numbers(magazine) -> None:
    outcomes, truths = magazine
    pages = [outcome.page for outcome in outcomes]
    assert all(page.quality["columns"] == 2 and "NAM PHONG" in page.text for page in pages)  # the OCR keeps heads
    assert any(_numbers(page.text) for page in pages)  # and the page numbers Tesseract saw
    for text, truth in zip(reading_texts([p.text for p in pages]), truths):
        assert "NAM PHONG" not in text and not _numbers(text) and error_rates(text, truth).cer < 0.05


def test_sohoa_text_leaves_heads_out_and_all_keeps_them(magazine, tmp_path: Path, capsys) -> None:
    outcomes, _ = magazine
    archive = Archive.open(tmp_path / "archive")
    archive.catalog.add_document(Document(
        id="mag", meta=DocumentMeta(title="Nam Phong"), original_name="mag", sha256="0" * 64,
        original_path="originals/mag", media_type="inode/directory", page_count=len(outcomes), status="complete"))
    for outcome in outcomes:
        archive.save_page(outcome.page, outcome.files)
    archive.close()

    def text(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(["--archive", str(tmp_path / "archive"), "text", "mag", *args])
        out, err = capsys.readouterr()
        assert done.value.code == 0, err
        return out

    assert "NAM PHONG" not in text() and "NAM PHONG" not in text("--page", "2")
    assert text("--all").count("NAM PHONG") == 3 and _numbers(text("--all")) and not _numbers(text())
    with pytest.raises(SystemExit) as done:
        main(["--archive", str(tmp_path / "archive"), "text", "mag", "--page", "9"])
    assert done.value.code == 8 and "no page 9" in capsys.readouterr().err
    process = subprocess.run([str(Path(sys.executable).parent / "sohoa"), "--archive", str(tmp_path / "archive"),
                              "text", "mag", "--all"], capture_output=True, text=True, timeout=120)
    assert process.returncode == 0 and process.stdout.count("NAM PHONG") == 3
