"""The correction routes without a browser: JSON saves as the script makes them, conflicts, the
line strips, the queue's filters, and who may do what."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from corpus import Archive
from corpus.editors import add_editor
from tests.web_fixtures import CORPUS, add_document
from web import create_app

SAME_SITE = {"origin": "http://testserver"}
JSON = {**SAME_SITE, "accept": "application/json"}


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:  # noqa: ANN001
    archive = Archive.open(tmp_path / "archive")
    for doc_id in ("cukhoi", "thachban"):
        add_document(archive, doc_id, *CORPUS[doc_id])
    for page in (archive.catalog.page("cukhoi", 2), archive.catalog.page("thachban", 1)):
        page.needs_review, page.mean_confidence = True, 60.0 if page.doc_id == "cukhoi" else 70.0
        archive.catalog.save_page(page)
    add_editor(archive.catalog, "lan", "ma-cua-lan-2024")
    with TestClient(create_app(archive.settings, member_token="")) as c:
        yield c
    archive.close()


def _sign_in(client: TestClient) -> None:
    r = client.post("/members", data={"name": "lan", "token": "ma-cua-lan-2024"}, headers=SAME_SITE,
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"


def test_only_editors_reach_the_queue_and_the_saves(client: TestClient) -> None:
    assert client.get("/review/cukhoi/2", follow_redirects=False).headers["location"] == "/members?next=/review/cukhoi/2"
    assert client.post("/review/cukhoi/2", data={"base": "1", "line": ["x"]}, headers=JSON).status_code == 403
    assert client.get("/review/cukhoi/2/lines/1.jpg").status_code == 403


def test_the_queue_is_worst_first_with_filters_and_counts(client: TestClient) -> None:
    _sign_in(client)
    html = client.get("/review").text
    assert html.index("/review/cukhoi/2") < html.index("/review/thachban/1")  # confidence 60 before 70
    assert "Cự Khối (1)" in html and "Thạch Bàn (1)" in html
    only = client.get("/review", params={"commune": "Thạch Bàn"}).text
    assert "/review/thachban/1" in only and "/review/cukhoi/2\"" not in only
    client.post("/review/thachban/1/checked", headers=SAME_SITE)
    assert "/review/thachban/1" not in client.get("/review").text


def test_json_saves_and_a_stale_one_gets_both_texts(client: TestClient) -> None:
    _sign_in(client)
    lines = ["Năm 1975, hợp tác xã nông nghiệp được củng cố;", "nhân dân hòa bình xây dựng quê hương.",
             "Đảng bộ lãnh đạo phong trào thi đua yêu nước."]
    first = [lines[0].replace("củng cố", "cũng cố"), *lines[1:]]
    r = client.post("/review/cukhoi/2", data={"base": "1", "line": first}, headers=JSON)
    assert r.status_code == 200 and r.json() == {"version": 2, "changed": True}
    stale = [*lines[:2], lines[2].replace("yêu nước", "yếu nước")]
    r = client.post("/review/cukhoi/2", data={"base": "1", "line": stale}, headers=JSON)
    assert r.status_code == 409 and r.json()["author"] == "lan"
    assert {(c["line"], c["theirs"], c["mine"]) for c in r.json()["conflicts"]} == {
        (1, first[0], lines[0]), (3, lines[2], stale[2])}
    r = client.post("/review/cukhoi/2/revert", data={"to": "1", "base": "1"}, headers=SAME_SITE)
    assert r.status_code == 409 and "Xung đột" in r.text
    r = client.post("/review/cukhoi/2/revert", data={"to": "1", "base": "2"}, headers=SAME_SITE, follow_redirects=False)
    assert r.headers["location"] == "/review/cukhoi/2?saved=3"
    assert "Đã hiệu đính 1/3 trang" in client.get("/documents/cukhoi").text


def test_a_line_strip_is_the_line_of_the_page_image(client: TestClient) -> None:
    _sign_in(client)
    r = client.get("/review/cukhoi/2/lines/2.jpg")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    strip = Image.open(io.BytesIO(r.content))
    assert 30 < strip.height < 80 and strip.width > 600  # one line of 34-px type, its whole width
    assert client.get("/review/cukhoi/2/lines/99.jpg").status_code == 404
