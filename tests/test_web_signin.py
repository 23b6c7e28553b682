"""Sign-in hardening (issue 20) and the editor role: throttled and logged failures, sessions that
expire and end when the server secret is rotated, cross-site POSTs refused, `next` kept local."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from corpus.editors import add_editor, remove_editor
from sohoa.cli import main
from tests.web_fixtures import MEMBER_TOKEN, SECRET, build_archive
from web import create_app
from web import sessions
from web.access import member_fingerprint

SAME_SITE = {"origin": "http://testserver"}
EDITOR, CODE = "lan", "ma-bien-tap-2024"  # noqa: S105 (a test credential)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    archive, _ = build_archive(tmp_path_factory.mktemp("web-signin") / "archive")
    add_editor(archive.catalog, EDITOR, CODE)
    yield create_app(archive.settings, member_token=MEMBER_TOKEN)
    archive.close()


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app) as c:  # type: ignore[arg-type]
        yield c


def _sign_in(client: TestClient, **form: str) -> object:
    return client.post("/members", data=form, headers=SAME_SITE, follow_redirects=False)


def test_failed_sign_ins_are_throttled_per_client_and_logged(client: TestClient, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="sohoa.web.signin")
    codes = [_sign_in(client, token=f"doan-{n}").status_code for n in range(7)]
    assert codes == [403] * 5 + [429] * 2
    assert _sign_in(client, token=MEMBER_TOKEN).status_code == 429  # even the right code waits its turn
    assert sum("failed member sign-in from testclient" in r.message for r in caplog.records) == 5
    assert any("throttled" in r.message for r in caplog.records)
    client.app.state.site.signin_failures.clear("testclient")


def test_an_editor_signs_in_by_name_returns_to_next_and_sees_internal_documents(client: TestClient) -> None:
    r = _sign_in(client, name="Lan", token=CODE, next="/documents/gialam")
    assert r.status_code == 303 and r.headers["location"] == "/documents/gialam"
    page = client.get("/documents/gialam/pages/1").text
    assert SECRET in page and 'href="/review/gialam/1"' in page  # "Hiệu đính trang này"
    assert "Hiệu đính" in client.get("/").text and "quyền biên tập viên" in page


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leads_off_the_site(client: TestClient, target: str) -> None:
    r = _sign_in(client, token=MEMBER_TOKEN, next=target)
    assert r.status_code == 303 and r.headers["location"] == "/search"


def test_posts_from_another_site_are_refused(client: TestClient) -> None:
    for headers in ({"origin": "https://evil.example"}, {"referer": "https://evil.example/page"}, {}):
        r = client.post("/members", data={"token": MEMBER_TOKEN}, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "cross-site" in r.text and "set-cookie" not in r.headers
    ok = client.post("/members", data={"token": MEMBER_TOKEN},
                     headers={"referer": "http://testserver/members"}, follow_redirects=False)
    assert ok.status_code == 303


def test_sessions_expire_and_end_when_the_secret_is_rotated(client: TestClient, monkeypatch) -> None:
    site = client.app.state.site
    assert _sign_in(client, token=MEMBER_TOKEN).status_code == 303
    assert SECRET in client.get("/documents/gialam").text
    with pytest.raises(SystemExit) as exit_:
        main(["--archive", str(site.settings.home), "editors", "rotate-secret"])
    assert exit_.value.code == 0
    time.sleep(0.01)
    assert client.get("/documents/gialam").status_code == 404  # signed out, code unchanged
    assert _sign_in(client, token=MEMBER_TOKEN).status_code == 303
    assert client.get("/documents/gialam").status_code == 200
    monkeypatch.setitem(sessions.LIFETIME, "member", -1)  # a session issued already expired
    client.cookies.set(sessions.COOKIE, sessions.issue(site.secret.get(), "member", member_fingerprint(MEMBER_TOKEN)))
    assert client.get("/documents/gialam").status_code == 404


def test_a_removed_editor_is_signed_out_at_once(client: TestClient) -> None:
    catalog = client.app.state.site.archive.catalog
    add_editor(catalog, "minh", "ma-cua-minh-2024")
    assert _sign_in(client, name="minh", token="ma-cua-minh-2024").status_code == 303
    assert client.get("/review").status_code == 200
    remove_editor(catalog, "minh")
    r = client.get("/review", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/members?next=/review"


def test_reports_are_rate_limited_and_store_nothing_personal(client: TestClient) -> None:
    from corpus.catalog import suggestions

    site = client.app.state.site
    form = {"before": "hợp tác xã", "after": "hợp tác xã nông nghiệp"}
    codes = [client.post("/documents/cukhoi/pages/2/suggest", data=form, headers=SAME_SITE,
                         follow_redirects=False).status_code for _ in range(21)]
    assert codes == [303] * 20 + [429]
    site.suggestions.clear("testclient")
    bad = client.post("/documents/cukhoi/pages/2/suggest", data={"before": "không có trên trang", "after": "x"},
                      headers=SAME_SITE)
    assert bad.status_code == 400 and "chọn chữ sai" in bad.text
    assert {c.name for c in suggestions.columns} == {"id", "doc_id", "page_no", "line", "before", "after", "status",
                                                    "at", "decided_by"}  # no name, address or cookie
    with site.archive.catalog.engine.connect() as conn:
        assert len(conn.execute(suggestions.select()).all()) == 20
    assert client.post("/documents/gialam/pages/1/suggest", data=form, headers=SAME_SITE).status_code == 404
