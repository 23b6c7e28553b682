"""A bulletin on a phone (360×780) in real Chromium: play without the page jumping, answer a poll,
listen with the network cut, and sign in from an internal bulletin's QR link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corpus.editors import add_editor
from tests.test_web_browser import CHROMIUM, SHOTS, browser, pytestmark  # noqa: F401 (fixture, skip mark)
from tests.web_fixtures import MEMBER_TOKEN, build_archive, served

PHONE = {"width": 360, "height": 780}
EDITOR, EDITOR_CODE = "lan", "ma-cua-lan-2024"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The app with member sign-in on, on a free loopback port."""
    from web import create_app

    archive, slugs = build_archive(tmp_path_factory.mktemp("web-phone") / "archive")
    add_editor(archive.catalog, EDITOR, EDITOR_CODE)
    with served(create_app(archive.settings, member_token=MEMBER_TOKEN)) as base:
        yield base, slugs
    archive.close()


@pytest.fixture
def phone(browser):  # noqa: ANN001, ANN201
    """A fresh phone-sized browser (its own cookies and storage) and the errors it logs."""
    contexts, problems = [], []

    def open_tab():  # noqa: ANN202
        context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True)
        contexts.append(context)
        tab = context.new_page()
        # The sign-in page of an internal bulletin answers 401, which Chromium logs: expected, not a fault.
        tab.on("console", lambda m: problems.append(m.text)
               if m.type in ("error", "warning") and "status of 401" not in m.text else None)
        tab.on("pageerror", lambda e: problems.append(str(e)))
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not problems, f"browser errors (CSP violations show here too): {problems}"


def test_play_on_a_phone_keeps_the_controls_in_place(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    tab = phone()
    tab.goto(f"{base}/audio/{slugs[0]}/")
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert tab.evaluate("document.getElementById('player').controls") is False  # one set of controls: ours
    assert "10/03/2024" in tab.inner_text(".meta")
    tab.click("#play")
    tab.wait_for_function("() => document.getElementById('player').currentTime > 6", timeout=20000)
    assert tab.evaluate("window.scrollY") == 0, "playing must not scroll the page"
    box = tab.locator("#play").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    # The active sentence is followed inside the transcript box, which is visible within it.
    assert tab.evaluate("""() => { const box = document.getElementById('transcript'),
        cue = box.querySelector('.cue.active'); if (!cue) return false;
        const a = box.getBoundingClientRect(), c = cue.getBoundingClientRect();
        return c.top >= a.top - 1 && c.bottom <= a.bottom + 1; }""")
    # Scrolled down to read, the controls stay on screen (sticky).
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    tab.wait_for_timeout(300)
    box = tab.locator("#play").bounding_box()
    assert box and 0 <= box["y"] < PHONE["height"] - box["height"]
    assert tab.evaluate("navigator.mediaSession.metadata.title") == "Bản tin Đảng bộ phường"
    tab.screenshot(path=str(SHOTS / "bulletin-phone-playing.png"))
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a 360px phone"


def test_speed_is_remembered_and_transcript_reachable_by_keyboard(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    tab = phone()
    tab.goto(f"{base}/audio/{slugs[0]}/")
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert tab.locator("#speed option").all_inner_texts()[0].startswith("0,75") and tab.locator("#speed option").count() == 6
    tab.select_option("#speed", "1.5")
    tab.reload()
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert tab.input_value("#speed") == "1.5"
    assert tab.evaluate("document.getElementById('player').playbackRate") == 1.5
    cue = tab.locator("#transcript .cue").nth(2)
    start = float(cue.get_attribute("data-start"))
    for _ in range(60):  # Tab through the page like a keyboard user, to the third sentence
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement === document.querySelectorAll('#transcript .cue')[2]"):
            break
    else:
        pytest.fail("the transcript's sentences are not reachable with the Tab key")
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"() => document.getElementById('player').currentTime >= {start}")


def _totals(tab, base: str, slug: str) -> dict:  # noqa: ANN001
    return tab.evaluate(f"fetch('{base}/api/bulletins/{slug}/polls').then(r => r.json()).then(p => p[0])")


def test_answer_a_poll_on_a_phone_reload_and_two_browsers(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    first = phone()
    first.goto(f"{base}/audio/{slugs[0]}/")
    before = _totals(first, base, slugs[0])
    poll = first.locator(".poll").first
    poll.locator("label", has_text="Tối thứ Năm").click()
    poll.locator("button[type=submit]").click()
    first.wait_for_function("() => document.querySelector('.poll-status').textContent.startsWith('Cảm ơn')")
    first.screenshot(path=str(SHOTS / "bulletin-phone-poll.png"), full_page=True)
    first.reload()
    assert first.locator(".poll input[type=radio]:checked").get_attribute("value") == "2"  # remembered
    # Changing one's mind in the same browser replaces the answer.
    first.locator(".poll label", has_text="Sáng thứ Bảy").click()
    first.locator(".poll button[type=submit]").click()
    first.wait_for_function("() => document.querySelector('.poll-status').textContent.startsWith('Cảm ơn')")

    second = phone()
    second.goto(f"{base}/audio/{slugs[0]}/")
    assert second.locator(".poll input[type=radio]:checked").count() == 0  # another browser: not answered
    second.locator(".poll label", has_text="Sáng thứ Bảy").click()
    second.locator(".poll button[type=submit]").click()
    second.wait_for_function("() => document.querySelector('.poll-status').textContent.startsWith('Cảm ơn')")
    after = _totals(second, base, slugs[0])
    assert after["total"] == before["total"] + 2
    gained = [a["votes"] - b["votes"] for a, b in zip(after["choices"], before["choices"])]
    assert gained == [2, 0, 0]


def test_listen_offline_after_keeping_the_bulletin(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    tab = phone()
    tab.goto(f"{base}/audio/{slugs[0]}/")
    tab.wait_for_selector("#offline:not([hidden])")
    tab.evaluate("navigator.serviceWorker.ready.then(() => true)")
    tab.click("#save-offline")
    tab.wait_for_function("() => document.getElementById('offline-status').textContent.startsWith('Đã lưu')")
    tab.goto(f"{base}/audio/")
    tab.wait_for_selector(f'.card-link[data-slug="{slugs[0]}"] .saved-badge:not([hidden])')

    tab.context.set_offline(True)
    tab.goto(f"{base}/audio/{slugs[0]}/")
    assert tab.locator("h1").inner_text().startswith("Bản tin Đảng bộ phường")
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")
    tab.click("#play")
    tab.wait_for_function("() => document.getElementById('player').currentTime > 1.5", timeout=15000)
    tab.evaluate("document.getElementById('player').pause()")
    tab.goto(f"{base}/audio/")  # not kept: the list of what still plays offline
    assert tab.locator("h1").inner_text() == "Không có mạng"
    assert tab.locator("#saved a").get_attribute("href") == f"/audio/{slugs[0]}/"
    tab.screenshot(path=str(SHOTS / "bulletin-phone-offline.png"), full_page=True)
    tab.context.set_offline(False)


def test_sign_in_from_an_internal_bulletins_qr_link_lands_back_on_it(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    tab = phone()
    tab.goto(f"{base}/audio/{slugs[1]}/")  # what the QR code printed on an internal bulletin opens
    assert tab.locator("h1").inner_text() == "Bản tin nội bộ"
    tab.fill("#token", MEMBER_TOKEN)
    tab.click("#sign-in button[type=submit]")
    tab.wait_for_url(f"{base}/audio/{slugs[1]}/", timeout=5000)
    assert tab.locator("h1").inner_text().startswith("Bản tin nội bộ tháng Giêng")
    tab.wait_for_function("() => document.getElementById('player').readyState >= 1")


def test_an_editor_signs_in_from_the_bulletin_and_sees_the_organizers_figures(server, phone) -> None:  # noqa: ANN001
    base, slugs = server
    tab = phone()
    tab.goto(f"{base}/audio/{slugs[1]}/")
    tab.click("text=đăng nhập bằng tên và mã")
    tab.fill("#name", EDITOR)
    tab.fill("#token", EDITOR_CODE)
    tab.click("main form button[type=submit]")
    tab.wait_for_url(f"{base}/audio/{slugs[1]}/", timeout=5000)
    assert tab.locator("h1").inner_text().startswith("Bản tin nội bộ tháng Giêng")
    assert tab.locator(".listens h2").inner_text() == "Lượt nghe"
    assert tab.locator(".poll-results").count() == tab.locator(".poll").count() > 0
