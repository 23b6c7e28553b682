""""Bản tin" in Chromium, as an editor: a Word bulletin uploaded, its read-aloud text proofread
(the changed words marked), published by `sohoa audiobook` (espeak) in a background run, and
played on its listening page. A bad file gets the one line the command prints."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Archive
from corpus.editors import add_editor
from sohoa.bulletin_uploads import Words, marked_lines
from tests.test_web_browser import CHROMIUM, browser, shoot  # noqa: F401 (fixtures)
from tests.test_web_uploads_browser import CODE, signed_in
from tests.web_fixtures import served
from tts.lexicon import Lexicon

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is not installed")
BASE_URL = "https://bantin.example.vn"  # the public address the QR code and the feed carry


def test_the_preview_marks_each_changed_stretch_with_what_is_read() -> None:
    [line] = marked_lines("Đảng bộ có 19.650 đảng viên.", Lexicon.load())
    assert Words("19.650", "mười chín nghìn sáu trăm năm mươi") in line
    assert line[0] == Words("Đảng bộ có")
    [quoted] = marked_lines("“Chuyển đổi số” năm 2021", Lexicon.load())
    assert quoted == [Words("“Chuyển đổi số” năm"), Words("2021", "hai nghìn không trăm hai mươi mốt")]  # quotes: no change


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Archive]]:
    from web import create_app

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOHOA_BASE_URL", BASE_URL)  # read by the server and by the run's own process
        archive = Archive.open(tmp_path_factory.mktemp("bulletin-web") / "archive")
        add_editor(archive.catalog, "lan", CODE)
        with served(create_app(archive.settings, member_token="")) as base:
            yield base, archive
        archive.close()


def word_bulletin(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Bản tin phường Bồ Đề", level=1)
    document.add_heading("Tin trong tuần", level=2)
    document.add_paragraph("Đảng bộ phường có 19.650 đảng viên, sinh hoạt tại 12 chi bộ.")
    document.add_heading("Lịch sinh hoạt", level=2)
    document.add_paragraph("Các chi bộ họp vào ngày 5 hằng tháng.")
    document.save(str(path))
    return path


def test_an_editor_publishes_a_word_bulletin_and_plays_it(site, browser, tmp_path: Path) -> None:  # noqa: ANN001
    base, archive = site
    context, tab, problems = signed_in(browser, base, "/ingest/bulletin")
    # a bad file: the line `sohoa audiobook ban-tin-cu.doc` prints, and nothing is kept
    old_word = tmp_path / "ban-tin-cu.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0 not a docx")
    tab.set_input_files("#file", str(old_word))
    tab.click("#bulletin button[type=submit]")
    assert tab.inner_text("#upload-error") == ("ban-tin-cu.doc: tệp Word cũ (.doc) / old Word format: "
                                               "lưu lại thành .docx / save it as .docx")
    assert not any((archive.settings.home / "uploads").iterdir())

    tab.set_input_files("#file", str(word_bulletin(tmp_path / "bản tin số 7.docx")))
    tab.fill("#issue", "7")
    tab.fill("#date", "2024-03-10")
    tab.select_option("#engine", "espeak")
    tab.click("#bulletin button[type=submit]")
    tab.wait_for_url("**/ingest/bulletin/*")
    shoot(tab, "bulletin-preview")
    change = tab.locator("#preview .change", has_text="19.650")
    assert change.locator("del").inner_text() == "19.650"
    assert change.locator("ins").inner_text() == "mười chín nghìn sáu trăm năm mươi"

    tab.click("#publish button[type=submit]")
    tab.wait_for_url("**/ingest/runs/*")
    tab.wait_for_selector("#run-state[data-state=done]", timeout=120_000)
    tab.click("#run-documents a.doc-link")
    tab.wait_for_url("**/audio/2024-03-10-*/")
    assert "Bản tin phường Bồ Đề" in tab.inner_text("h1")
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")
    tab.click("#play")
    tab.wait_for_function("() => document.getElementById('player').currentTime > 1", timeout=20000)
    tab.goto(base + "/ingest/history")
    assert "Bản tin" in tab.inner_text("#runs") and "xong" in tab.inner_text("#runs")
    context.close()
    assert not problems
