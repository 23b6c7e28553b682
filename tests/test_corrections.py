"""Corrections as an archivist makes them: versions that never overwrite, boxes that follow the
words, everything downstream (text, ALTO, hOCR, PDF layer, index, audiobook text) updated, stale
saves refused with both texts, and the CLI (in-process and as a real subprocess)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import search_index
from corpus import Archive, Word
from corpus.catalog import editors
from corpus.editors import add_editor, check_editor
from corpus.revisions import Revisions
from ocr.alto import alto_lines
from ocr.relayout import paragraphs_of, realign
from sohoa import corrections
from sohoa.cli import main
from sohoa.cli.audio import _document_text as audiobook_text
from tests.web_fixtures import CORPUS, add_document

EDITOR, CODE = "lan", "ma-bien-tap-2024"  # noqa: S105 (a test credential)


def _line(*texts: str) -> list[Word]:
    return [Word(t, 100 + 120 * i, 50, 100, 30, 70.0 + i, 1) for i, t in enumerate(texts)]


def test_a_diacritic_fix_keeps_the_word_box_and_a_split_word_shares_it() -> None:
    old = _line("nhân", "dán", "hoabình")
    fixed = realign(old, "nhân dân hòa bình", 1)
    assert [w.text for w in fixed] == ["nhân", "dân", "hòa", "bình"]
    assert (fixed[1].left, fixed[1].width, fixed[1].confidence) == (220, 100, 100.0)  # same box, read by a person
    assert fixed[0].confidence == 70.0  # untouched words keep Tesseract's confidence
    hoa, binh = fixed[2], fixed[3]
    assert hoa.left == 340 and binh.left + binh.width == 440 and hoa.width < binh.width  # 3 and 4 letters
    assert realign(old, "nhân  dân\u0300", 1)[1].text == "dần"  # NFC, whatever the keyboard sent


def test_paragraphs_are_read_from_the_blank_lines_of_the_page_text() -> None:
    assert paragraphs_of("a b\nc\n\nd\n\n\ne f", 4) == [1, 1, 2, 3]
    assert paragraphs_of("a\nb", 3) == [1, 1, 1]  # text that does not match the words: one paragraph


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive.open(tmp_path / "archive")
    meta, texts = CORPUS["cukhoi"]
    add_document(archive, "cukhoi", meta, texts)
    search_index.update_document(archive, "cukhoi")
    add_editor(archive.catalog, EDITOR, CODE)
    yield archive
    archive.close()


def _found(archive: Archive, query: str) -> list[int]:
    results = search_index.search(archive, query)
    return [p.page_no for d in results.documents for p in d.pages]


def test_a_save_is_a_new_version_and_everything_downstream_follows(archive: Archive) -> None:
    lines = corrections.history(archive, "cukhoi", 3)[-1].lines
    assert lines[0] == "Đê sông Hồng được gia cố, hợp tác xã"
    lines[0] = lines[0].replace("Đê sông Hồng", "Đế sổng Hồng")  # two diacritics changed
    saved = corrections.save_lines(archive, "cukhoi", 3, lines, author=EDITOR, base=1)
    assert saved.version and saved.version.version == 2
    folder = archive.page_dir("cukhoi", 3)
    assert "Đế sổng Hồng" in (folder / "text.txt").read_text("utf-8")
    assert "Đê sông Hồng" in (folder / "text.v1.txt").read_text("utf-8")  # the OCR's file, kept
    assert 'CONTENT="sổng"' in (folder / "page.alto.xml").read_text("utf-8")
    assert "sổng" in (folder / "page.hocr").read_text("utf-8")
    layer = subprocess.run(["pdftotext", "-raw", "-f", "3", "-l", "3", str(archive.searchable_pdf_path("cukhoi")), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Đế sổng Hồng" in layer
    assert "Đế sổng" in (archive.document_dir("cukhoi") / "text.txt").read_text("utf-8")
    assert archive.catalog.page("cukhoi", 3).text.startswith("Đế sổng")  # what `text` and search read
    text, _ = audiobook_text(archive.settings, "cukhoi")  # what `sohoa audiobook --doc` reads aloud
    assert "Đế sổng Hồng" in text and "Đê sông Hồng" not in text
    assert 3 in _found(archive, "sổng")
    hits = search_index.search(archive, "sông").documents[0].pages
    assert all("sông" not in hit.snippet_html for hit in hits)  # snippets show the corrected word
    boxes = search_index.search(archive, "sổng").documents[0].pages[0].boxes
    assert [b.text for b in boxes] == ["sổng"]
    assert Revisions(archive.catalog).reviewed("cukhoi") == {3: "corrected"}
    correct, finish = archive.catalog.events("cukhoi")[-2:]  # the save, then the ingest service's finish
    assert (correct["action"], finish["action"]) == ("correct", "finish") and correct["run_id"] == finish["run_id"]
    assert archive.catalog.document("cukhoi").status == "complete"


def test_a_stale_form_gets_a_conflict_with_both_texts_and_nothing_is_lost(archive: Archive) -> None:
    opened = corrections.history(archive, "cukhoi", 1)[-1]  # two editors open version 1
    first, second = list(opened.lines), list(opened.lines)
    first[2], second[2] = first[2].replace("năm", "nam"), second[2].replace("đầu tiên", "đầu tiến")
    corrections.save_lines(archive, "cukhoi", 1, first, author="lan", base=opened.version)
    with pytest.raises(corrections.EditConflictError) as conflict:
        corrections.save_lines(archive, "cukhoi", 1, second, author="minh", base=opened.version)
    assert conflict.value.latest.lines[2] == first[2] and conflict.value.mine[2] == second[2]
    assert "lan" in str(conflict.value) and conflict.value.exit_code == 12
    assert [v.version for v in corrections.history(archive, "cukhoi", 1)] == [1, 2]


def test_revert_is_a_new_version_and_an_unchanged_save_marks_the_page_checked(archive: Archive) -> None:
    lines = corrections.history(archive, "cukhoi", 2)[-1].lines
    assert corrections.save_lines(archive, "cukhoi", 2, lines, author=EDITOR, base=1).version is None
    assert Revisions(archive.catalog).reviewed("cukhoi") == {2: "checked"}
    changed = [lines[0].replace("củng cố", "cũng cổ"), *lines[1:]]
    corrections.save_lines(archive, "cukhoi", 2, changed, author=EDITOR, base=1)
    back = corrections.revert(archive, "cukhoi", 2, 1, author=EDITOR, base=2).version
    assert back and back.version == 3 and back.action == "revert" and back.lines[0] == lines[0]
    v1 = corrections.history(archive, "cukhoi", 2)[0]
    assert [(w.left, w.top) for w in back.words] == [(w.left, w.top) for w in v1.words]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_.value.code or 0), captured.out + captured.err


def test_the_cli_corrects_from_a_text_file_shows_history_and_old_versions(archive: Archive, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    home = str(archive.root)
    code, out = _run(capsys, "--archive", home, "text", "cukhoi", "--page", "1")
    lines = out.rstrip("\n").split("\n")
    edited = tmp_path / "trang1.txt"
    edited.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    code, out = _run(capsys, "--archive", home, "correct", "cukhoi", "--page", "1", "--text", str(edited), "--editor", EDITOR)
    assert code == 1 and "line 3" in out and out.count("\n") == 1  # one line naming the first missing line
    lines[3] = lines[3].replace("sôi nổi", "sôi nối")
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _run(capsys, "--archive", home, "correct", "cukhoi", "--page", "1", "--text", str(edited))
    assert code == 1 and "--editor" in out
    code, out = _run(capsys, "--archive", home, "correct", "cukhoi", "--page", "1", "--text", str(edited), "--editor", EDITOR)
    assert code == 0 and "version 2" in out
    code, out = _run(capsys, "--archive", home, "text", "cukhoi", "--page", "1", "--version", "1")
    assert "sôi nổi" in out
    result = subprocess.run([".venv/bin/sohoa", "--archive", home, "history", "cukhoi"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "phiên bản 1 · OCR" in result.stdout and f"phiên bản 2 · {EDITOR} · correct" in result.stdout
    assert "-giữa phong trào cách mạng sôi nổi." in result.stdout and "+giữa phong trào cách mạng sôi nối." in result.stdout


def test_the_cli_reads_back_corrected_alto_files(archive: Archive, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    home = str(archive.root)
    corrections.save_lines(archive, "cukhoi", 1, corrections.history(archive, "cukhoi", 1)[-1].lines,
                           author=EDITOR, base=1)  # nothing changed: writes no version, no ALTO of ours
    lines = corrections.history(archive, "cukhoi", 2)[-1].lines
    corrections.save_lines(archive, "cukhoi", 2, lines[:1] + [lines[1].replace("hoà", "hoá")] + lines[2:],
                           author=EDITOR, base=1)  # page 2 now has an ALTO written from words
    code, _ = _run(capsys, "--archive", home, "export", "cukhoi", "--format", "alto", "--out", str(tmp_path / "alto"))
    exported = tmp_path / "alto" / "page-0002.alto.xml"
    exported.write_text(exported.read_text("utf-8").replace('CONTENT="xây"', 'CONTENT="xâây"'), encoding="utf-8")
    (tmp_path / "alto" / "page-0001.alto.xml").write_text("<alto>not closed", encoding="utf-8")
    code, out = _run(capsys, "--archive", home, "correct", "cukhoi", "--from-export", str(tmp_path / "alto"),
                     "--editor", EDITOR)
    assert code == 7 and "page-0001.alto.xml" in out  # the broken file is named, the other is saved
    assert "xâây" in alto_lines(exported)[1] and "xâây" in archive.catalog.page("cukhoi", 2).text
    code, out = _run(capsys, "--archive", home, "review", "--json")
    assert code == 0


def test_editor_codes_are_stored_hashed(archive: Archive) -> None:
    with archive.catalog.engine.connect() as conn:
        stored = conn.execute(editors.select()).first().code_hash
    assert CODE not in stored and stored.startswith("scrypt$")
    assert check_editor(archive.catalog, EDITOR, CODE) and not check_editor(archive.catalog, EDITOR, "sai-ma-roi-nhe")
    assert not check_editor(archive.catalog, "ai-do", CODE)


def test_a_page_read_again_by_the_ocr_keeps_its_corrections_in_the_history(archive: Archive) -> None:
    from tests.web_fixtures import render_page
    from corpus import Page
    from corpus.archive import words_json

    lines = corrections.history(archive, "cukhoi", 1)[-1].lines
    corrections.save_lines(archive, "cukhoi", 1, [lines[0].replace("ĐẢNG", "ĐẲNG"), *lines[1:]], author=EDITOR, base=1)
    reread = "LỊCH SỬ ĐẢNG BỘ XÃ CỰ KHỐI\nGiai đoạn 1930 – 1985"  # `ingest --force`: a new page folder and row
    jpeg, words = render_page(reread)
    archive.save_page(Page(doc_id="cukhoi", page_no=1, text=reread, mean_confidence=90.0, word_count=len(words),
                           width=1240, height=1754, dpi=150),
                      files={"image.jpg": jpeg, "words.json": words_json(words), "text.txt": reread})
    versions = corrections.history(archive, "cukhoi", 1)
    assert [(v.version, v.author) for v in versions] == [(1, "ocr"), (2, EDITOR), (3, "ocr")]
    saved = corrections.save_lines(archive, "cukhoi", 1, ["LỊCH SỬ ĐẢNG BỘ XÃ CỰ KHỐI", "Giai đoạn 1930 – 1986"],
                                   author=EDITOR, base=3)
    assert saved.version and saved.version.version == 4
    assert [v.author for v in Revisions(archive.catalog).versions("cukhoi", 1)] == ["ocr", EDITOR, "ocr", EDITOR]
    assert "1985" in (archive.page_dir("cukhoi", 1) / "text.v1.txt").read_text("utf-8")  # that reading's own file


def test_the_review_queue_lists_flagged_pages_until_one_is_checked(archive: Archive,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    page = archive.catalog.page("cukhoi", 2)
    page.needs_review, page.quality = True, {"mean_confidence": 61.5, "reasons": ["confidence 61.5 < 75"]}
    archive.catalog.save_page(page)
    code, out = _run(capsys, "--archive", str(archive.root), "review", "--commune", "Cự Khối")
    assert code == 0 and "cukhoi" in out and "61.5" in out and "Cự Khối (1)" in out
    code, out = _run(capsys, "--archive", str(archive.root), "review", "cukhoi", "--checked", "2", "--editor", EDITOR)
    assert code == 0 and "checked (lan)" in out
    code, out = _run(capsys, "--archive", str(archive.root), "review")
    assert "no page needs review" in out
    assert Revisions(archive.catalog).reviewed("cukhoi") == {2: "checked"}


def test_a_wrong_letter_corrected_is_no_longer_found(archive: Archive) -> None:
    assert 1 in _found(archive, "mạng")
    lines = corrections.history(archive, "cukhoi", 1)[-1].lines
    fixed = [line.replace("cách mạng", "cách mệnh") for line in lines]
    corrections.save_lines(archive, "cukhoi", 1, fixed, author=EDITOR, base=1)
    assert 1 not in _found(archive, "mạng") and 1 not in _found(archive, "mang")
    assert 1 in _found(archive, "mệnh") and 1 in _found(archive, "menh")
