"""'Nhập tài liệu' in Chromium, as an editor: two real scans with the metadata form, a CSV manifest
with its file, a bad file; the browser closed while the run goes on; the run followed page by page
to its end; the documents found by search."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Archive
from corpus.editors import add_editor
from tests.conftest import SHARED_SAMPLES
from tests.test_web_browser import CHROMIUM, browser, serve, shoot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is not installed")
REAL = [SHARED_SAMPLES / "scans-real" / name for name in ("VBHC-07.png", "KAI-02.jpg")]  # the two smallest
CODE = "ma-cua-lan-2024"
RUN_TIMEOUT_MS = 900_000  # two real pages and a rendered one, with Prefect's start, on a shared machine


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Archive]]:
    from web import create_app

    archive = Archive.open(tmp_path_factory.mktemp("uploads-web") / "archive")
    add_editor(archive.catalog, "lan", CODE)
    for base in serve(create_app(archive.settings, member_token="")):
        yield base, archive
    archive.close()


def signed_in(browser, base: str, target: str):  # noqa: ANN001, ANN201
    """A new browser context (a new visit), signed in as the editor lan, at ``target``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.goto(base + target)
    tab.wait_for_url(lambda url: "/members?next=" in url)
    tab.fill("#name", "lan")
    tab.fill("#token", CODE)
    tab.click("button[type=submit]")
    tab.wait_for_url(base + target)
    return context, tab, problems


def a_word_of(archive: Archive, doc_id: str) -> str:
    """A long word the OCR read on the document, to search for."""
    words = [w.strip(".,;:()\"'“”") for w in archive.document_text(doc_id).split()]
    return max((w for w in words if w.isalpha()), key=len)


def test_an_editor_uploads_scans_and_a_manifest_and_finds_them(site, browser, scans, tmp_path: Path) -> None:  # noqa: ANN001
    base, archive = site
    # 1. two real scans, one metadata form; the browser is closed as soon as the run has started
    context, tab, problems = signed_in(browser, base, "/ingest")
    shoot(tab, "ingest-form")
    tab.set_input_files("#files", [str(p) for p in REAL])
    tab.fill("#title", "Văn bản hành chính")
    tab.fill("#commune", "Cự Khối")
    tab.fill("#year", "1998")
    tab.select_option("#kind", "resolution")
    tab.click("#upload button[type=submit]")
    tab.wait_for_url("**/ingest/runs/*")
    first_run = tab.url.removeprefix(base)
    context.close()

    # 2. a CSV manifest with the file it names, and a file that is not an image: its one line
    page_image = scans.get("bien-ban.png", pages=1, variant="clean", seed=41)
    broken = tmp_path / "trang-1.png"
    broken.write_text("đây không phải là ảnh", encoding="utf-8")
    manifest = tmp_path / "hop-so-01.csv"
    manifest.write_text("file,title,commune,year,kind\nbien-ban.png,Biên bản họp chi bộ,Thạch Bàn,1976,other\n",
                        encoding="utf-8")
    context, tab, more_problems = signed_in(browser, base, "/ingest")
    tab.set_input_files("#files", [str(manifest), str(page_image)])
    tab.click("#upload button[type=submit]")
    tab.wait_for_url("**/ingest/runs/*")
    manifest_run = tab.url
    tab.goto(base + "/ingest")
    tab.set_input_files("#files", [str(broken)])
    tab.click("#upload button[type=submit]")
    tab.wait_for_url("**/ingest/runs/*")
    assert tab.inner_text("#run-errors") == "✗ trang-1.png: not an image, or a damaged one"  # as `sohoa ingest` says
    assert tab.get_attribute("#run-state", "data-state") == "refused"

    # 3. the first run, opened again from the history, followed to its end, page by page
    tab.goto(base + "/ingest/history")
    assert tab.locator(f"#runs a[href='{first_run}']").count() == 1 and "lan" in tab.inner_text("#runs")
    tab.click(f"#runs a[href='{first_run}']")
    tab.wait_for_selector("#run-documents .page-cell", timeout=RUN_TIMEOUT_MS)
    tab.wait_for_selector("#run-state[data-state=done]", timeout=RUN_TIMEOUT_MS)
    assert tab.locator("#run-documents .page-cell.done").count() == 2
    shoot(tab, "ingest-run")
    links = [tab.locator("#run-documents a.doc-link").nth(i).get_attribute("href") for i in range(2)]
    tab.goto(manifest_run)
    tab.wait_for_selector("#run-state[data-state=done]", timeout=RUN_TIMEOUT_MS)
    links.append(tab.locator("#run-documents a.doc-link").get_attribute("href"))
    assert "Biên bản họp chi bộ" in tab.inner_text("#run-documents")

    # 4. each document is found by search, by a word read on it
    for link in links:
        doc_id = link.rsplit("/", 1)[-1]
        tab.goto(f"{base}/search?q={a_word_of(archive, doc_id)}")
        assert tab.locator(f".results a[href^='/documents/{doc_id}']").count() >= 1, doc_id
    tab.goto(base + "/ingest/history")
    shoot(tab, "ingest-history")
    assert [tab.get_attribute(f"#runs a[href='{first_run}'] ~ .run-state", "data-state")] == ["done"]
    assert "xong" in tab.inner_text("#runs")
    docs = {d.meta.title: d for d in archive.catalog.documents()}
    minutes = docs["Biên bản họp chi bộ"].meta  # from the manifest's row
    assert (minutes.year, minutes.commune) == (1976, "Thạch Bàn")
    scans_in = sorted(d.original_name for d in archive.catalog.documents() if d.meta.title == "Văn bản hành chính")
    assert scans_in == sorted(p.name for p in REAL)
    context.close()
    assert not problems and not more_problems
