"""Access and safety: internal documents never leak to visitors, markup is escaped, file routes
serve archive files only, and bad input gets a 4xx with a message — never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web_fixtures import MEMBER_TOKEN, SECRET, build_archive
from web import create_app

HTML = {"accept": "text/html"}
BEARER = {"authorization": f"Bearer {MEMBER_TOKEN}"}
SAME_SITE = {"origin": "http://testserver"}  # what a browser sends with a form posted from the app
INTERNAL_SLUG = "2024-01-05-ban-tin-noi-bo"
# Every place an internal document or bulletin could show through, and what would give it away.
LEAKS = [
    ("/search?q=gom+su+bat+trang", "Nghị quyết mật"),
    ("/search?q=hop+tac+xa", "Gia Lâm"),  # facet counts: the internal document matches too
    ("/search?q=hop+tac+xa", "kind=resolution"),  # the kind facet
    ("/search?district=Gia+Lam", "Nghị quyết mật"),
    ("/search?q=doc:gialam", "Nghị quyết mật"),
    ("/api/search?q=gom+su", "gialam"),
    ("/api/search?q=hop+tac+xa", "Gia Lâm"),
    ("/api/documents", "gialam"),
    ("/audio/", "nội bộ"),
    ("/audio/feed.xml", "noi-bo"),
    ("/api/bulletins", "noi-bo"),
    ("/", "nội bộ tháng Giêng"),
]
HIDDEN = ["/documents/gialam", "/documents/gialam/pages/1", "/documents/gialam/pages/1/image.jpg",
          "/documents/gialam/pages/1/text.txt", "/documents/gialam/text.txt", "/api/documents/gialam",
          "/api/documents/gialam/pages/1", f"/api/bulletins/{INTERNAL_SLUG}", f"/audio/{INTERNAL_SLUG}/qr.png",
          f"/api/bulletins/{INTERNAL_SLUG}/polls"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    archive, slugs = build_archive(tmp_path_factory.mktemp("web-safety") / "archive")
    assert slugs[1] == INTERNAL_SLUG
    with TestClient(create_app(archive.settings, member_token=MEMBER_TOKEN)) as test_client:
        yield test_client
    archive.close()


@pytest.fixture(autouse=True)
def logged_out(client: TestClient) -> None:
    client.cookies.clear()


@pytest.mark.parametrize(("url", "secret"), LEAKS)
def test_visitors_never_see_internal_material(client: TestClient, url: str, secret: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200
    assert secret not in r.text and SECRET not in r.text
    assert secret in client.get(url, headers={**HTML, **BEARER}).text  # …which members do see


@pytest.mark.parametrize("url", HIDDEN)
def test_internal_pages_and_files_are_not_found(client: TestClient, url: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 404 and SECRET not in r.text
    assert client.get(url, headers=BEARER).status_code == 200


def test_internal_bulletin_page_asks_to_sign_in_without_showing_it(client: TestClient) -> None:
    """A QR code on paper leads here: a sign-in form that returns to the bulletin, and nothing of it."""
    r = client.get(f"/audio/{INTERNAL_SLUG}/", headers=HTML)
    assert r.status_code == 401 and "tháng Giêng" not in r.text and ".mp3" not in r.text
    assert f'name="next" value="/audio/{INTERNAL_SLUG}/"' in r.text and 'name="token"' in r.text
    assert client.get(f"/audio/{INTERNAL_SLUG}/", headers=BEARER).status_code == 200


def test_member_login_with_the_form_sets_a_cookie(client: TestClient) -> None:
    wrong = client.post("/members", data={"token": "đoán-bừa"}, headers={**HTML, **SAME_SITE})
    assert wrong.status_code == 403 and "mã không đúng" in wrong.text and not client.cookies
    r = client.post("/members", data={"token": MEMBER_TOKEN}, headers=SAME_SITE, follow_redirects=False)
    assert r.status_code == 303 and "httponly" in r.headers["set-cookie"].lower()
    assert MEMBER_TOKEN not in r.headers["set-cookie"]  # the cookie holds a signed session, not the code
    member_page = client.get("/search?q=gom+su", headers=HTML)
    assert "Nghị quyết mật" in member_page.text
    assert member_page.headers["cache-control"] == "private, no-store"
    client.post("/members/logout", headers=SAME_SITE)
    client.cookies.clear()
    assert "Nghị quyết mật" not in client.get("/search?q=gom+su", headers=HTML).text


def test_wrong_or_missing_credentials_see_public_only(client: TestClient) -> None:
    for headers in ({"authorization": "Bearer nope"}, {"authorization": f"Basic {MEMBER_TOKEN}"},
                    {"cookie": "sohoa_member=forged"}, {"cookie": "sohoa_session=forged.abc"}):
        assert client.get("/api/documents/gialam", headers=headers).status_code == 404


def test_no_member_token_configured_means_nobody_is_a_member(client: TestClient) -> None:
    settings = client.app.state.site.settings
    with TestClient(create_app(settings, member_token="")) as plain:
        assert plain.get("/api/documents/gialam", headers={"authorization": "Bearer "}).status_code == 404
        assert plain.post("/members", data={"token": ""}, headers=SAME_SITE).status_code in (403, 422)
        assert "chưa cấu hình" in plain.get("/members", headers=HTML).text


def test_markup_from_ocr_and_metadata_is_escaped(client: TestClient) -> None:
    page = client.get("/documents/thachban/pages/1", headers=HTML).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page and "&lt;/script&gt;" in page
    assert "<b>1945" not in page and "&lt;b&gt;1945" in page
    hits = client.get("/search?q=alert+xss", headers=HTML).text
    assert "<script>alert" not in hits and "&lt;script&gt;" in hits and "<b>1945" not in hits
    assert "<script>alert" not in client.get("/documents/thachban?q=alert", headers=HTML).text


@pytest.mark.parametrize("url", [
    "/documents/cukhoi/pages/1/..%2F..%2F..%2Fcatalog.sqlite",
    "/documents/cukhoi/pages/1/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/documents/cukhoi/pages/1/words.json",  # stored, but not one of the downloads
    "/documents/cukhoi/pages/1/%2Fetc%2Fpasswd",
    "/documents/..%2F..%2Fcatalog.sqlite",
    "/documents/cukhoi/pages/1/../../../../catalog.sqlite",
    "/audio/..%2F..%2Fcatalog.sqlite/x",
    "/audio/2024-03-10-ban-tin-dang-bo-phuong/audiobook.json",
    "/audio/2024-03-10-ban-tin-dang-bo-phuong/..%2F..%2Fcatalog.sqlite",
    "/audio/.cache/x",
    "/static/..%2F..%2Fcorpus%2Farchive.py",
    "/static/../web/app.py",
])
def test_file_routes_serve_archive_files_only(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404, (url, r.status_code)
    assert b"SQLite format" not in r.content and b"root:" not in r.content


# Messages name the field as the form does, in Vietnamese: never the code's name nor Pydantic's English.
@pytest.mark.parametrize(("url", "status", "message"), [
    ("/search?year_from=abc", 400, "Từ năm phải là một số"),
    ("/search?year_from=3000", 400, "Từ năm phải từ"),
    ("/search?q=x&sort=evil", 400, "Cách sắp xếp"),
    ("/search?q=x&page=0", 400, "Trang phải từ"),
    ("/search?q=x&page=99999999999999999999", 400, "Trang"),
    ("/search?kind=%3Cscript%3E", 400, "Loại tài liệu"),
    ("/search?district=" + "x" * 500, 400, "Huyện quá dài"),
    ("/api/search?q=x&limit=0", 400, "Số kết quả mỗi trang"),
    ("/api/search?q=x&limit=abc", 400, "Số kết quả mỗi trang"),
    ("/api/documents?offset=-1", 400, "Vị trí bắt đầu"),
    ("/documents/cukhoi/pages/abc", 400, "Số trang không hợp lệ"),
    ("/documents/cukhoi/pages/99999999999999999999999", 404, "trang"),
    ("/documents/cukhoi/pages/-1", 404, "trang"),
    ("/documents/cukhoi/pages/0", 404, "trang"),
    ("/documents/nosuchdoc", 404, "nosuchdoc"),
    ("/api/documents/cukhoi/pages/1?q=" + "a" * 3000, 400, "Từ khóa"),
    ("/audio/NO-SUCH/", 404, "bản tin"),
    ("/members", 405, None),
])
def test_bad_parameters_get_a_4xx_with_a_message(client: TestClient, url: str, status: int, message: str | None) -> None:
    method = client.delete if status == 405 else client.get
    r = method(url, headers={"accept": "application/json", **SAME_SITE})
    assert r.status_code == status, (url, r.status_code, r.text[:200])
    error = r.json()["error"]
    assert error and (message is None or message in error)
    assert not any(word in error for word in ("year_from", "page_no", "limit", "Input should", "must be", "/ "))
    if not url.startswith("/api/"):  # the API answers JSON whatever the client accepts
        html = method(url, headers={**HTML, **SAME_SITE})
        assert html.status_code == status and "<h1>" in html.text


@pytest.mark.parametrize("query", ['"((( NOT', "OR AND NOT", ")(", "year:abc..", "district:", "~" * 50,
                                   "đ" * 3000, "\x00\x01", "<script>", "../../etc/passwd"])
def test_odd_queries_never_fail(client: TestClient, query: str) -> None:
    for url in ("/search", "/api/search", "/documents/cukhoi", "/documents/cukhoi/pages/1"):
        r = client.get(url, params={"q": query}, headers=HTML)
        assert r.status_code in (200, 400), (url, query, r.status_code)
        if "html" in r.headers["content-type"]:  # JSON may hold it as data (served as application/json)
            assert "<script>" not in r.text
