"""Issue 24's done-when, in Debian's Chromium: an editor corrects a flagged page read by real
Tesseract, and search, ALTO, the PDF layer and `sohoa history` follow; a reader's report reaches
the queue and is accepted; two editors saving from stale forms lose nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import search_index
from corpus import Archive, DocumentMeta
from corpus.editors import add_editor
from ocr.quality import ReviewThresholds
from sohoa import corrections, ingest as steps
from sohoa.vietnamese import TONE_MARKS, canonical_tones, place_tone, split_tone
from tests.test_web_browser import CHROMIUM, browser, page, shoot  # noqa: F401 (fixtures)
from tests.web_fixtures import served

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")
EDITORS = {"lan": "ma-cua-lan-2024", "minh": "ma-cua-minh-2024"}
DOC_TITLE = "Lịch sử Đảng bộ xã Đông Dư"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Archive, str]]:
    """One page read by Tesseract, flagged for review (every confidence is under 101), with its
    searchable PDF made and indexed; two editors; the app on loopback."""
    from sohoa.samples import make_scan
    from web import create_app

    folder = tmp_path_factory.mktemp("corrections-web")
    make_scan(folder / "lich-su.pdf", pages=1, font="serif", variant="clean", seed=11)
    archive = Archive.open(folder / "archive")
    job = steps.Job(folder / "lich-su.pdf", DocumentMeta(title=DOC_TITLE, commune="Đông Dư", year=1990, kind="history"))
    options = steps.OcrOptions(review=ReviewThresholds(min_confidence=101.0))
    (finished,) = steps.ingest_plainly(archive, [job], options, run_id="test")  # text, PDF, index: complete
    doc = finished.document
    for name, code in EDITORS.items():
        add_editor(archive.catalog, name, code)
    with served(create_app(archive.settings, member_token="")) as base:
        yield base, archive, doc.id
    archive.close()


def other_tone(word: str) -> str | None:
    """The word with another tone mark: a diacritic an OCR could have got wrong."""
    base, tone = split_tone(word)
    if not tone or not base.isalpha():
        return None
    return place_tone(base, next(t for t in TONE_MARKS if t != tone))


def pick_line(lines: list[str], text: str) -> tuple[int, list[tuple[str, str]]]:
    """A line with two words that occur once in the text, each with a tone to change."""
    words = canonical_tones(text).lower().split()
    for number, line in enumerate(lines, start=1):
        pairs = [(w, other_tone(w)) for w in line.split() if words.count(w.lower()) == 1]
        pairs = [(w, fixed) for w, fixed in pairs if fixed and fixed.lower() not in words]
        if len(pairs) >= 2:
            return number, pairs[:2]
    raise AssertionError("no line with two distinct toned words")


def sign_in(tab, base: str, name: str, target: str) -> None:  # noqa: ANN001
    tab.goto(base + target)
    tab.wait_for_url(lambda url: "/members?next=" in url)
    tab.fill("#name", name)
    tab.fill("#token", EDITORS[name])
    tab.click("button[type=submit]")
    tab.wait_for_url(base + target)


def _found(archive: Archive, doc_id: str, query: str) -> list[str]:
    """The snippets of the document's pages that a search finds."""
    results = search_index.search(archive, query)
    return [p.snippet_html for d in results.documents if d.doc_id == doc_id for p in d.pages]


def test_an_editor_corrects_two_diacritics_and_everything_follows(site, page) -> None:  # noqa: ANN001
    base, archive, doc_id = site
    v1 = corrections.history(archive, doc_id, 1)[-1]
    number, pairs = pick_line(v1.lines, v1.text)
    sign_in(page, base, "lan", "/review")
    assert DOC_TITLE in page.inner_text("#queue")
    shoot(page, "review-queue")
    page.click(f"#queue a[href='/review/{doc_id}/1']")
    page.wait_for_selector(f"#line-{number}")
    field = page.locator(f"#line-{number}")
    field.scroll_into_view_if_needed()  # line strips load lazily, as they come into view
    strip = field.locator("xpath=preceding-sibling::div/img")
    page.wait_for_function("(img) => img.complete && img.naturalHeight > 0", arg=strip.element_handle())
    assert 20 < strip.bounding_box()["height"] < 200  # one line of text, not the page
    fixed = field.input_value()
    field.fill("nhầm")
    field.press("Escape")  # cancels: the line is back as saved
    assert field.input_value() == fixed
    doubtful = [w.text for w in v1.words if w.confidence < 80]
    assert doubtful, "the sample page has no word under 80 % confidence"
    page.locator("#line-1").focus()
    page.keyboard.press("F8")  # selects the first word the OCR was unsure of
    assert page.evaluate("() => { const e = document.activeElement; "
                         "return e.value.slice(e.selectionStart, e.selectionEnd); }") == doubtful[0]
    for wrong, right in pairs:
        fixed = fixed.replace(wrong, right, 1)
    field.fill(fixed)
    field.press("Enter")  # saves, then the next line has the focus
    page.wait_for_function("() => document.getElementById('base').value === '2'")
    assert "phiên bản 2" in page.inner_text("#save-state")
    shoot(page, "correct-page")

    (wrong, right), _ = pairs
    assert _found(archive, doc_id, right) and any(right in s for s in _found(archive, doc_id, right))
    # The wrong spelling is gone from the page: a search for it finds only the corrected word
    # (through the diacritic-insensitive fallback every query has), never the wrong one.
    assert all(wrong not in s for s in _found(archive, doc_id, wrong))
    page.goto(base + f"/search?q={right}")
    assert DOC_TITLE in page.inner_text(".results")

    alto = page.request.get(base + f"/documents/{doc_id}/pages/1/page.alto.xml").text()
    assert all(f'CONTENT="{r}' in alto for _, r in pairs)
    pdf = page.request.get(base + f"/documents/{doc_id}/searchable.pdf").body()
    layer = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert all(r in layer for _, r in pairs) and not any(w in layer for w, _ in pairs)

    history = subprocess.run([".venv/bin/sohoa", "--archive", str(archive.root), "history", doc_id],
                             capture_output=True, text=True, timeout=120)
    assert "phiên bản 1 · OCR" in history.stdout and "phiên bản 2 · lan · correct" in history.stdout
    assert f"+{fixed}" in history.stdout
    page.goto(base + f"/documents/{doc_id}")
    assert page.inner_text("#reviewed") == "Đã hiệu đính 1/1 trang"


def test_a_readers_report_reaches_the_queue_and_is_accepted(site, browser) -> None:  # noqa: ANN001, F811
    base, archive, doc_id = site
    reader = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    latest = corrections.history(archive, doc_id, 1)[-1]
    wrong = next(w for line in latest.lines for w in line.split() if other_tone(w) and len(w) > 3)
    right = other_tone(wrong)
    reader.goto(base + f"/documents/{doc_id}/pages/1")
    reader.click("#report summary")
    reader.fill("#report-before", wrong)
    reader.fill("#report-after", right)
    reader.click("#report button[type=submit]")
    assert "Cảm ơn" in reader.inner_text("#report")
    reader.context.close()

    editor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    sign_in(editor, base, "minh", "/review")
    suggestion = editor.locator("#suggestions .suggestion", has_text=right)
    assert wrong in suggestion.inner_text()
    suggestion.locator("button[value=accept]").click()
    editor.wait_for_url(base + "/review")
    assert editor.locator("#suggestions .suggestion").count() == 0
    now = corrections.history(archive, doc_id, 1)[-1]
    assert now.author == "minh" and now.action == "suggestion" and right in now.text
    editor.context.close()


def test_two_editors_from_stale_forms_the_second_sees_both_texts(site, browser) -> None:  # noqa: ANN001, F811
    base, archive, doc_id = site
    tabs = []
    for name in EDITORS:
        tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        sign_in(tab, base, name, f"/review/{doc_id}/1")
        tabs.append(tab)
    first, second = tabs
    line = first.locator("#line-1")
    original = line.input_value()
    line.fill(original + " một")
    first.click("#save-page")  # the form without the script's help: a whole-page save
    first.wait_for_url("**?saved=*")
    theirs = original + " hai"
    second.fill("#line-1", theirs)
    second.click("#save-page")
    conflict = second.inner_text("#conflict")
    assert "lan đã lưu phiên bản" in conflict and original + " một" in conflict and theirs in conflict
    shoot(second, "correct-conflict")
    assert corrections.history(archive, doc_id, 1)[-1].lines[0] == original + " một"  # the first save stands
    for tab in tabs:
        tab.context.close()
