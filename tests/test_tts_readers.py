"""Bulletins from Word and PDF: headings become chapters as in .md, text arrives NFC, a scanned PDF
or a broken file is one line and exit code 2. Called as the API (tts.readers), through the CLI in
process (`sohoa normalize`), and as a real `sohoa audiobook` process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from sohoa.cli import main
from sohoa.errors import InputFileError
from tts.document import parse
from tts.readers import read_bulletin

SOHOA = Path(sys.executable).parent / "sohoa"
CHROMIUM = "/usr/bin/chromium"
TITLE = "Bản tin sinh hoạt chi bộ tháng 11"
CHAPTERS = ["Học tập Nghị quyết Đại hội XIII", "Chuyển đổi số trong công tác Đảng"]
FIRST = "Ngày 15/11/2023, Đảng bộ phường Cự Khối tổ chức hội nghị quán triệt Nghị quyết cho 1.250 đảng viên."
SECOND = "Đến nay 98% số đảng viên đã cài đặt ứng dụng Sổ tay đảng viên điện tử trên điện thoại."


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(args)
    return exited.value.code


def word_bulletin(path: Path) -> Path:
    """A bulletin as an editor writes it in Word: a Title, Heading 1 chapters, a table, a paragraph
    typed with decomposed (NFD) accents as some Vietnamese keyboards send them."""
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=0)
    document.add_heading(CHAPTERS[0], level=1)
    document.add_paragraph(unicodedata.normalize("NFD", FIRST))
    document.add_paragraph("")
    document.add_heading(CHAPTERS[1], level=1)
    document.add_paragraph(SECOND)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Chi bộ khu dân cư số 3"
    table.rows[0].cells[1].text = "100% đảng viên"
    document.save(str(path))
    return path


def test_a_word_bulletin_becomes_chapters_from_its_heading_styles(tmp_path: Path):
    bulletin = read_bulletin(word_bulletin(tmp_path / "ban-tin.docx"))
    assert bulletin.markdown and unicodedata.is_normalized("NFC", bulletin.text)
    parsed = parse(bulletin.text, markdown=True)
    assert parsed.title == TITLE
    assert [c.title for c in parsed.chapters] == CHAPTERS
    assert parsed.chapters[0].paragraphs == [FIRST]
    assert parsed.chapters[1].paragraphs == [SECOND, "Chi bộ khu dân cư số 3", "100% đảng viên"]


def test_an_editors_own_heading_styles_count_by_outline_level_or_the_style_they_are_based_on(tmp_path: Path):
    """Vietnamese Word names its heading styles in Vietnamese; their outline level still says heading."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles.add_style("Tiêu đề mục", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().append(outline)
    own = document.styles.add_style("Đề mục của ban", WD_STYLE_TYPE.PARAGRAPH)
    own.base_style = document.styles["Heading 2"]
    document.add_paragraph(TITLE)
    document.add_paragraph(CHAPTERS[0], style="Tiêu đề mục")
    document.add_paragraph(FIRST)
    document.add_paragraph(CHAPTERS[1], style="Đề mục của ban")  # a heading by the style it is based on
    document.add_paragraph(SECOND)
    document.save(str(tmp_path / "dia-phuong.docx"))
    parsed = parse(read_bulletin(tmp_path / "dia-phuong.docx").text, markdown=True)
    assert parsed.title == TITLE and [c.title for c in parsed.chapters] == CHAPTERS


@pytest.fixture(scope="module")
def printed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A born-digital PDF: the bulletin as HTML, printed by Chromium (larger type for headings,
    a page number in each footer), over three pages."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh --test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    filler = " ".join([SECOND] * 12)
    html = (f"<html><body style='font: 12pt serif'><h1 style='font-size: 20pt'>{TITLE}</h1>"
            f"<h2 style='font-size: 16pt'>{CHAPTERS[0]}</h2><p>{FIRST}</p>"
            + "".join(f"<p>{filler}</p>" for _ in range(6))
            + f"<h2 style='font-size: 16pt'>{CHAPTERS[1]}</h2><p>{SECOND}</p></body></html>")
    path = tmp_path_factory.mktemp("pdf") / "ban-tin.pdf"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content(html)
        page.pdf(path=str(path), format="A5", display_header_footer=True, header_template="<span></span>",
                 footer_template="<div style='font-size: 9pt; width: 100%; text-align: center'>"
                                 "<span class='pageNumber'></span></div>", margin={"top": "2cm", "bottom": "2cm"})
        browser.close()
    return path


def test_a_born_digital_pdf_becomes_chapters_from_its_larger_type(printed_pdf: Path):
    bulletin = read_bulletin(printed_pdf)
    assert bulletin.markdown and unicodedata.is_normalized("NFC", bulletin.text)
    parsed = parse(bulletin.text, markdown=True)
    assert parsed.title == TITLE
    assert [c.title for c in parsed.chapters] == CHAPTERS
    assert parsed.chapters[0].paragraphs[0] == FIRST  # wrapped lines joined back into one paragraph
    assert all(not p.isdigit() for c in parsed.chapters for p in c.paragraphs)  # page numbers left out


def test_normalize_reads_a_pdf_for_proofreading(printed_pdf: Path, capsys: pytest.CaptureFixture[str]):
    assert run_cli(["normalize", str(printed_pdf)]) == 0
    out = capsys.readouterr().out
    assert "một nghìn hai trăm năm mươi đảng viên" in out and "Đại hội mười ba" in out


def test_a_scanned_pdf_is_refused_in_one_line_that_says_what_to_do(scans, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOHOA_BASE_URL", "https://bantin.example.vn")  # the QR code's address is checked first
    scan = scans.get("ban-tin-quet.pdf", pages=1, variant="clean")
    with pytest.raises(InputFileError, match="no text layer"):
        read_bulletin(scan)
    assert run_cli(["audiobook", str(scan), "--engine", "espeak"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--doc" in err and "Traceback" not in err


@pytest.mark.parametrize("name, content, reason", [
    ("hong.docx", b"PK\x03\x04 not a zip at all", "not a readable .docx"),
    ("van-ban.doc", b"\xd0\xcf\x11\xe0 Word 97", "save it as .docx"),
    ("hong.pdf", b"%PDF-1.4\n1 0 obj garbage", "damaged or password-protected"),
    ("anh.pdf", b"\x89PNG\r\n\x1a\n", "not a PDF"),
])
def test_a_broken_file_is_one_line_and_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   name: str, content: bytes, reason: str):
    (tmp_path / name).write_bytes(content)
    assert run_cli(["normalize", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err and "Traceback" not in err


@pytest.mark.slow
def test_real_process_audiobook_from_a_word_bulletin(tmp_path: Path):
    archive = tmp_path / "archive"
    done = subprocess.run([str(SOHOA), "--archive", str(archive), "audiobook", str(word_bulletin(tmp_path / "b.docx")),
                           "--engine", "espeak", "--issue", "11", "--date", "2023-11-20"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SOHOA_BASE_URL": "https://bantin.example.vn"})  # for the QR code
    assert done.returncode == 0, done.stderr
    audio = Path(done.stdout.strip())
    meta = json.loads((audio.parent / "audiobook.json").read_text(encoding="utf-8"))
    assert meta["title"] == TITLE and [c["title"] for c in meta["chapters"]] == CHAPTERS
    assert audio.stat().st_size > 10_000
