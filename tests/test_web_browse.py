"""Browsing the holdings without typing: place (province → district → commune), time (decade →
year), kind, collection; and what the archive holds on the home page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web_fixtures import MEMBER_TOKEN, web_client

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with web_client(tmp_path_factory.mktemp("browse") / "archive", member_token=MEMBER_TOKEN) as test_client:
        yield test_client


def _links(html: str, section: str) -> dict[str, str]:
    """Link text → href inside the facet headed ``section``."""
    block = re.search(rf"<h2>{section}</h2>\s*<ul>(.*?)</ul>", html, re.S)
    assert block is not None, section
    return {text: href.replace("&amp;", "&") for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block[1])}


def _titles(html: str) -> list[str]:
    holdings = re.search(r'<ol class="doc-list" id="holdings">(.*?)</ol>', html, re.S)
    assert holdings is not None
    return re.findall(r'<a href="/documents/\w+">([^<]+)</a>', holdings[1])


def test_a_reader_reaches_a_communes_documents_by_clicks_alone(client: TestClient) -> None:
    page = client.get("/documents", headers=HTML).text
    assert len(_titles(page)) == 2  # the public holdings; the internal one stays hidden
    province = _links(page, "Tỉnh / thành")["Hà Nội"]
    district = _links(client.get(province).text, "Quận / huyện")["Long Biên"]
    commune_page = client.get(_links(client.get(district).text, "Xã / phường")["Cự Khối"]).text
    assert _titles(commune_page) == ["Lịch sử Đảng bộ xã Cự Khối"]
    assert "› <span>Cự Khối</span>" in commune_page


def test_by_decade_then_year_kind_and_collection(client: TestClient) -> None:
    page = client.get("/documents", headers=HTML).text
    decades = _links(page, "Thập niên")
    assert set(decades) == {"1950–1959", "1980–1989"}
    years = _links(client.get(decades["1980–1989"]).text, "Năm")
    assert _titles(client.get(years["1985"]).text) == ["Lịch sử Đảng bộ xã Cự Khối"]
    assert len(_titles(client.get(_links(page, "Loại")["Lịch sử"]).text)) == 2


def test_bad_filters_are_one_line_400s(client: TestClient) -> None:
    response = client.get("/documents?year=abc")
    assert response.status_code == 400 and "Năm phải là một số" in response.text


def test_members_browse_the_internal_documents_too(client: TestClient) -> None:
    page = client.get("/documents", headers={**HTML, "Authorization": f"Bearer {MEMBER_TOKEN}"}).text
    assert "Nghị quyết mật Đảng uỷ huyện Gia Lâm" in _titles(page)


def test_the_home_page_says_what_the_archive_holds(client: TestClient) -> None:
    home = client.get("/", headers=HTML).text
    holdings = re.search(r'<section class="panel" id="holdings">(.*?)</section>', home, re.S)
    assert holdings is not None
    assert "<strong>2</strong> tài liệu" in holdings[1] and "Lịch sử Đảng bộ xã Cự Khối" in holdings[1]
    assert 'href="/documents"' in holdings[1]


def test_documents_that_name_only_their_commune_are_browsed_from_it(tmp_path) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient as Client

    from corpus import Archive
    from corpus.models import DocumentMeta
    from search_fixtures import add_document
    from web import create_app

    archive = Archive.open(tmp_path / "archive")
    add_document(archive, "chithi", DocumentMeta(title="Chỉ thị về thuế điện tử", commune="Tây Hồ"), ["Chỉ thị."])
    with Client(create_app(archive.settings)) as fresh:
        commune_page = fresh.get(_links(fresh.get("/documents", headers=HTML).text, "Xã / phường")["Tây Hồ"]).text
    archive.close()
    assert _titles(commune_page) == ["Chỉ thị về thuế điện tử"]
