"""Every route of the web app through FastAPI's TestClient: pages, files, feed and JSON API."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser
import pytest
from fastapi.testclient import TestClient

from tests.web_fixtures import MEMBER_TOKEN, build_archive
from web import create_app

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, list[str]]]:
    archive, slugs = build_archive(tmp_path_factory.mktemp("web-api") / "archive")
    with TestClient(create_app(archive.settings, member_token=MEMBER_TOKEN)) as client:
        yield client, slugs
    archive.close()


@pytest.fixture
def client(site: tuple[TestClient, list[str]]) -> TestClient:
    site[0].cookies.clear()
    return site[0]


@pytest.fixture
def slugs(site: tuple[TestClient, list[str]]) -> list[str]:
    return site[1]


def test_home_links_search_and_latest_bulletin(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and 'lang="vi"' in r.text
    assert 'action="/search"' in r.text and "Bản tin Đảng bộ phường" in r.text


def test_search_page_without_diacritics(client: TestClient) -> None:
    r = client.get("/search", params={"q": "lich su dang bo"}, headers=HTML)
    assert r.status_code == 200
    assert "Lịch sử Đảng bộ xã Cự Khối" in r.text
    assert "<mark>Lịch sử Đảng bộ</mark>" in r.text or "<mark>LỊCH SỬ ĐẢNG BỘ</mark>" in r.text
    assert 'href="/documents/cukhoi/pages/1?q=lich%20su%20dang%20bo"' in r.text
    assert "tài liệu" in r.text and "trang khớp" in r.text


def test_search_filters_sort_facets_and_pagination(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "chi bo", "district": "Long Bien", "sort": "-year"})
    body = r.json()
    assert [d["doc_id"] for d in body["documents"]] == ["cukhoi", "thachban"]  # 1985 before 1954
    assert {f["value"] for f in body["facets"]["district"]} == {"Long Biên"}
    r = client.get("/api/search", params={"q": "chi bo", "year_from": "1950", "year_to": "1960"})
    assert [d["doc_id"] for d in r.json()["documents"]] == ["thachban"]
    swapped = client.get("/api/search", params={"q": "chi bo", "year_from": "1960", "year_to": "1950"})
    assert swapped.status_code == 200 and swapped.json()["documents"] == r.json()["documents"]  # read as a range
    r = client.get("/api/search", params={"q": "chi bo", "kind": "history", "limit": "1", "page": "2"})
    body = r.json()
    assert body["total_documents"] == 2 and len(body["documents"]) == 1
    boxed = client.get("/api/search", params={"q": "hop tac xa", "boxes": "true"}).json()
    assert [b["text"] for b in boxed["documents"][0]["pages"][0]["boxes"]] == ["hợp", "tác", "xã"]
    page = client.get("/search", params={"q": "chi bo", "year_from": "1950"}, headers=HTML).text
    assert "Đang lọc" in page and "1950–…" in page


def test_empty_search_explains_the_query_language(client: TestClient) -> None:
    r = client.get("/search", headers=HTML)
    assert r.status_code == 200 and "Cách tìm" in r.text
    assert client.get("/api/search").json()["documents"] == []


def test_document_page_lists_pages_and_searches_within(client: TestClient) -> None:
    r = client.get("/documents/cukhoi", params={"q": "hop tac xa"}, headers=HTML)
    assert r.status_code == 200
    assert "Trang 2" in r.text and "Trang 3" in r.text and "có ở <strong>2</strong> trang" in r.text
    assert 'href="/documents/cukhoi/text.txt"' in r.text


def test_page_viewer_draws_hit_boxes_from_word_coordinates(client: TestClient) -> None:
    r = client.get("/documents/cukhoi/pages/2", params={"q": "hop tac xa"}, headers=HTML)
    assert r.status_code == 200
    assert r.text.count('class="hit-box"') == 3
    assert 'href="/documents/cukhoi/pages/2/image.jpg"' in r.text
    assert "<mark>hợp tác xã</mark>" in r.text
    # No SOHOA_BASE_URL here: the citation takes the address the request came to (web/urls.py).
    assert "trang 2. Kho lưu trữ số hóa sohoa. http://testserver/documents/cukhoi/pages/2" in r.text
    assert 'rel="prev"' in r.text and 'rel="next"' in r.text
    api = client.get("/api/documents/cukhoi/pages/2", params={"q": "hop tac xa"}).json()
    assert [h["text"] for h in api["hits"]] == ["hợp", "tác", "xã"]
    # Long Biên is a quận of Hà Nội, so Cự Khối is a phường (corpus.places), never a guessed "xã … huyện"
    assert api["citation"].startswith("“Lịch sử Đảng bộ xã Cự Khối”, phường Cự Khối, quận Long Biên, Hà Nội, 1985, trang 2")
    assert set(api["files"]) == {"image.jpg", "text.txt", "page.alto.xml"}


def test_downloads(client: TestClient, site) -> None:  # noqa: ANN001
    image = client.get("/documents/cukhoi/pages/1/image.jpg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    alto = client.get("/documents/cukhoi/pages/1/page.alto.xml")
    assert alto.status_code == 200 and "attachment" in alto.headers["content-disposition"]
    text = client.get("/documents/cukhoi/text.txt")
    assert text.status_code == 200 and text.text.count("\f") == 2
    assert 'filename="lich-su-dang-bo-xa-cu-khoi-1985.txt"' in text.headers["content-disposition"]
    assert client.get("/documents/cukhoi/searchable.pdf").status_code == 404  # not exported yet
    home = site[0].app.state.site.archive.document_dir("cukhoi")
    (home / "searchable.pdf").write_bytes(b"%PDF-1.4\n%test\n")
    pdf = client.get("/documents/cukhoi/searchable.pdf")
    assert pdf.content.startswith(b"%PDF")  # named from its title and year
    assert 'filename="lich-su-dang-bo-xa-cu-khoi-1985.pdf"' in pdf.headers["content-disposition"]
    assert "PDF tìm kiếm được" in client.get("/documents/cukhoi", headers=HTML).text
    (home / "searchable.pdf").unlink()


def test_bulletins_newest_first_with_player_captions_chapters_qr(client: TestClient, slugs: list[str]) -> None:
    listing = client.get("/audio/", headers=HTML)
    assert listing.status_code == 200 and f'href="/audio/{slugs[0]}/"' in listing.text
    page = client.get(f"/audio/{slugs[0]}/", headers=HTML).text
    assert '<audio id="player"' in page and '<track id="captions" kind="captions"' in page
    assert page.count('class="chapter"') == 2 and 'class="cue"' in page
    assert f'src="/audio/{slugs[0]}/qr.svg"' in page and "/audio/feed.xml" in page
    assert '<script src="/static/player.js" defer></script>' in page
    vtt = client.get(f"/audio/{slugs[0]}/{slugs[0]}.vtt")
    assert vtt.text.startswith("WEBVTT") and vtt.headers["content-type"].startswith("text/vtt")
    api = client.get(f"/api/bulletins/{slugs[0]}").json()
    assert [c["title"] for c in api["chapters"]] == ["Tin trong tuần", "Lịch sinh hoạt"]
    assert api["cues"][0]["start"] == 0 and api["cues"][-1]["end"] == pytest.approx(api["duration"], abs=0.01)


def test_audio_answers_range_requests(client: TestClient, slugs: list[str]) -> None:
    url = f"/audio/{slugs[0]}/{slugs[0]}.mp3"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/mpeg"
    part = client.get(url, headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]


def test_feed_is_a_podcast(client: TestClient, slugs: list[str]) -> None:
    r = client.get("/audio/feed.xml")
    feed = feedparser.parse(r.content)
    assert r.headers["content-type"].startswith("application/rss+xml") and not feed.bozo
    assert [e.title for e in feed.entries] == ["Bản tin Đảng bộ phường"]
    assert feed.entries[0].enclosures[0].href == f"http://testserver/audio/{slugs[0]}/{slugs[0]}.mp3"


def test_api_lists_and_openapi_docs(client: TestClient) -> None:
    docs = client.get("/api/documents").json()
    assert docs["total"] == 2 and {d["id"] for d in docs["documents"]} == {"cukhoi", "thachban"}
    one = client.get("/api/documents/cukhoi").json()
    assert one["title"] == "Lịch sử Đảng bộ xã Cự Khối" and [p["page_no"] for p in one["pages"]] == [1, 2, 3]
    assert [b["title"] for b in client.get("/api/bulletins").json()["bulletins"]] == ["Bản tin Đảng bộ phường"]
    schema = client.get("/openapi.json").json()
    assert {"/api/search", "/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/pages/{page_no}",
            "/api/bulletins", "/api/bulletins/{slug}"} <= set(schema["paths"])
    page = client.get("/api", headers=HTML)
    assert page.status_code == 200 and "GET /api/search" in page.text
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN: not served


def test_static_files_and_security_headers(client: TestClient) -> None:
    for url in ("/", "/static/style.css", "/static/player.js", "/api/search?q=x", "/nowhere"):
        r = client.get(url)
        assert "script-src 'self'" in r.headers["content-security-policy"], url
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/player.js").headers["content-type"].startswith("text/javascript")


def test_no_inline_script_or_style_in_any_page(client: TestClient, slugs: list[str]) -> None:
    import re

    for url in ("/", "/search?q=dang", "/documents/cukhoi", "/documents/cukhoi/pages/1?q=dang", "/audio/",
                f"/audio/{slugs[0]}/", "/members", "/api", "/nowhere"):
        text = client.get(url, headers=HTML).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), url
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), url
