"""The web app in a real browser: Debian's Chromium driven by Playwright, headless, on loopback.

Each page is saved as a screenshot at phone (360 px) and desktop (1280 px) width under
test-artifacts/web/ for a human to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS
from tests.web_fixtures import build_archive, served

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio"]
SHOTS = ARTIFACTS / "web"

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                reason=f"{CHROMIUM} is not installed (scripts/setup.sh --test installs Debian's chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The app on a free loopback port, served by uvicorn in a thread."""
    from web import create_app

    archive, slugs = build_archive(tmp_path_factory.mktemp("web") / "archive")
    with served(create_app(archive.settings, member_token="")) as base:
        yield base, slugs
    archive.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab
    context.close()
    assert not problems, f"browser errors (CSP violations show here too): {problems}"


def shoot(tab, name: str) -> None:  # noqa: ANN001
    """Screenshots at desktop and phone width (full page), then back to desktop."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    tab.set_viewport_size({"width": 360, "height": 740})
    tab.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    width = tab.evaluate("document.documentElement.scrollWidth")
    tab.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 360, f"{name}: the page is {width}px wide on a 360px phone (sideways scrolling)"


def test_search_open_result_see_hits_and_search_within(server, page) -> None:  # noqa: ANN001
    base, _ = server
    page.goto(base + "/")
    shoot(page, "home")
    page.fill("#q", "hop tac xa")  # no diacritics
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=hop+tac+xa")
    assert "Lịch sử Đảng bộ xã Cự Khối" in page.inner_text(".results")
    assert page.locator(".snippet mark").first.inner_text().lower() in ("hợp", "hợp tác xã", "tác", "xã")
    assert page.locator(".facet").count() >= 2
    page.wait_for_function("() => [...document.querySelectorAll('.page-hit img.thumb')].every(i => i.complete && i.naturalWidth == 120)")
    assert page.locator(".page-hit img.thumb").count() >= 1  # a thumbnail of each result's best page (IIIF)
    assert "Nghị quyết mật" not in page.content()  # internal: not for a visitor without the credential
    shoot(page, "search")

    page.locator("a.page-hit").first.click()
    page.wait_for_url("**/documents/cukhoi/pages/*")
    image = page.locator("#page-image image")
    assert image.count() == 1
    page.wait_for_function("() => { const i = new Image(); i.src = document.querySelector('#page-image image')"
                           ".getAttribute('href'); return i.decode().then(() => i.naturalWidth > 0); }")
    assert page.locator("rect.hit-box").count() >= 3  # hợp, tác, xã, on the plain image (no JavaScript)
    page.wait_for_selector("#deep-zoom[data-ready]")  # which deep zoom replaces, hits and all
    overlays = page.locator(".hit-overlay")
    assert overlays.count() == page.locator("rect.hit-box").count()
    box = overlays.first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5  # drawn, on screen
    assert "hợp tác xã" in " ".join(page.locator("#page-text mark").all_inner_texts()).lower()
    page_no = page.url.split("/pages/")[1].split("?")[0]
    assert f"trang {page_no}. Kho lưu trữ số hóa sohoa. http" in page.inner_text("#citation")
    shoot(page, "page")

    page.fill("#q-doc", "lich su dang bo")
    page.press("#q-doc", "Enter")
    page.wait_for_selector("#in-document")
    listed = page.locator("#in-document .page-no").all_inner_texts()
    assert listed == ["Trang 1", "Trang 3"]
    page.locator("#in-document a.page-hit").last.click()
    page.wait_for_url("**/pages/3?q=*")
    assert page.locator("rect.hit-box").count() >= 4
    page.click("#prev")
    page.wait_for_url("**/pages/2?q=*")
    shoot(page, "page-search-within")


def test_markup_in_ocr_text_is_shown_as_text(server, page) -> None:  # noqa: ANN001
    base, _ = server
    page.goto(base + "/documents/thachban/pages/1")
    assert "<script>alert('xss')</script>" in page.inner_text("#page-text")
    assert "<b>1945–1954</b>" in page.inner_text("h1")
    shoot(page, "page-markup")


def test_bulletin_plays_with_captions_chapters_and_resume(server, page) -> None:  # noqa: ANN001
    base, slugs = server
    page.goto(base + "/audio/")
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == ["Bản tin Đảng bộ phường"]  # the internal one stays hidden
    shoot(page, "bulletins")
    page.click(".card-link")
    page.wait_for_url(f"**/audio/{slugs[0]}/")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert page.evaluate("document.getElementById('player').textTracks[0].mode") in ("showing", "hidden")
    page.wait_for_function("() => document.getElementById('player').textTracks[0].cues.length > 0")
    assert page.locator("#transcript .cue").count() >= 3

    page.click("#play")
    page.wait_for_function("() => document.getElementById('player').currentTime > 0.5", timeout=15000)
    page.wait_for_selector("#transcript .cue.active")
    shoot(page, "bulletin")

    second = page.locator("#chapters .chapter").nth(1)
    start = float(second.get_attribute("data-start"))
    assert start > 2
    second.click()
    page.wait_for_function(f"() => document.getElementById('player').currentTime >= {start}")
    assert page.evaluate("document.getElementById('player').currentTime") < start + 3
    # the highlight follows the player's next 'timeupdate', a moment after the seek itself
    page.wait_for_function("() => document.querySelector('#chapters .chapter.active')"
                           "?.innerText.startsWith('Lịch sinh hoạt')")

    page.evaluate("document.getElementById('player').pause()")
    page.reload()
    page.wait_for_selector("#resume:not([hidden])")
    resumed = page.evaluate("document.getElementById('player').currentTime")
    assert resumed >= start - 0.5, "playback should resume where the listener stopped"
    shoot(page, "bulletin-resume")


def test_a_phone_zooms_into_a_page_until_the_text_is_readable_and_goes_to_page_n(server, browser) -> None:  # noqa: ANN001
    """OpenSeadragon over the page's IIIF image service, served by sohoa itself: a screen-sized
    image first, tiles as the reader zooms, never the whole scan; and "go to page N"."""
    base, _ = server
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url) if "/iiif/" in r.url or "/pages/" in r.url else None)
    tab.goto(base + "/documents/cukhoi/pages/2?q=hop+tac+xa")
    tab.wait_for_selector("#deep-zoom[data-ready]")
    images = [u for u in asked if u.endswith(".jpg")]
    assert images and not any(u.endswith("/image.jpg") for u in images)  # never the whole scan
    tab.wait_for_load_state("networkidle")
    first = [u for u in asked if u.endswith("default.jpg")]
    # zoom until a line of text is ~20 CSS px tall (the scan's text is 40-50 px at full size)
    tab.evaluate("() => { const v = window.sohoaViewer; v.viewport.zoomTo(v.viewport.imageToViewportZoom(0.5), null, true); }")
    tab.wait_for_load_state("networkidle")
    tab.wait_for_timeout(500)
    regions = [u.split("/iiif/3/")[1].split("/")[1] for u in asked if u.endswith("default.jpg")]
    assert any(r != "full" for r in regions) and len(regions) > len(first) - 1  # full-resolution tiles, as zoomed
    assert not any(u.endswith("/full/max/0/default.jpg") for u in asked)  # never the whole scan at once
    shown = tab.evaluate("() => window.sohoaViewer.viewport.viewportToImageZoom(window.sohoaViewer.viewport.getZoom())")
    assert shown >= 0.45  # image pixels per CSS pixel: the scan's ~45 px lines are ~20 px on the phone
    overlay = tab.locator(".hit-overlay").first.bounding_box()
    assert overlay is not None
    tab.screenshot(path=str(SHOTS / "deep-zoom-360.png"))

    tab.fill("#goto-page", "3")
    tab.locator(".goto button").click()
    tab.wait_for_url("**/documents/cukhoi/pages/3?q=hop+tac+xa")
    assert "trang 3/3" in tab.inner_text("h1")
    context.close()
    assert not problems, f"browser errors (CSP violations show here too): {problems}"


def test_the_iiif_manifest_opens_in_the_viewer_sohoa_serves(server, browser) -> None:  # noqa: ANN001
    """The document page links its manifest's viewer: the label and metadata come from the
    manifest, each canvas is a page painted from its image service, next goes to the next canvas."""
    base, _ = server
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="vi-VN")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    asked: list[str] = []
    tab.on("request", lambda r: asked.append(r.url) if "/iiif/" in r.url else None)
    tab.goto(base + "/documents/cukhoi")
    tab.wait_for_load_state("networkidle")
    asked.clear()  # the document page's thumbnails
    tab.get_by_role("link", name="Mở trong trình xem IIIF").click()
    tab.wait_for_selector("#manifest-viewer[data-ready]")
    assert [u for u in asked if u.endswith(".json")][0].endswith("/iiif/cukhoi/manifest.json")
    assert tab.inner_text("#manifest-label") == "Lịch sử Đảng bộ xã Cự Khối"
    assert "Cự Khối" in tab.inner_text("#manifest-metadata") and tab.inner_text("#manifest-page") == "Trang 1 / 3"
    tab.locator("#manifest-next").click()
    tab.wait_for_function("() => document.getElementById('manifest-viewer').dataset.page === '2'")
    tab.wait_for_load_state("networkidle")
    assert tab.inner_text("#manifest-page") == "Trang 2 / 3"
    assert any("/iiif/3/cukhoi-2/" in u and u.endswith("default.jpg") for u in asked)  # the second canvas's tiles
    tab.screenshot(path=str(SHOTS / "iiif-viewer-360.png"))
    context.close()
    assert not problems, f"browser errors (CSP violations show here too): {problems}"
