"""Bulletins for members and residents through FastAPI's TestClient: polls (page form and JSON API),
listen counts, links from the configured address or the request, messages in Vietnamese."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import feedparser
import pytest
from fastapi.testclient import TestClient

from tests.web_fixtures import MEMBER_TOKEN, build_archive
from web import create_app

HTML = {"accept": "text/html"}
BEARER = {"authorization": f"Bearer {MEMBER_TOKEN}"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, list[str]]]:
    archive, slugs = build_archive(tmp_path_factory.mktemp("web-bulletins") / "archive")
    yield archive, slugs
    archive.close()


@pytest.fixture
def client(site) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(create_app(site[0].settings, member_token=MEMBER_TOKEN)) as fresh:
        yield fresh  # a new browser each time: no cookies


@pytest.fixture
def slug(site) -> str:  # noqa: ANN001
    return site[1][0]


def test_polls_api_shape(client: TestClient, slug: str) -> None:
    (poll,) = client.get(f"/api/bulletins/{slug}/polls").json()
    assert set(poll) == {"id", "question", "choices", "total"}
    assert poll["question"] == "Giờ sinh hoạt chi bộ nào thuận tiện nhất?"
    assert [c["label"] for c in poll["choices"]] == ["Sáng thứ Bảy", "Tối thứ Năm", "Chiều Chủ nhật"]
    assert all(set(c) == {"id", "label", "votes"} for c in poll["choices"])


def test_a_second_answer_from_one_browser_replaces_the_first(site, slug: str) -> None:  # noqa: ANN001
    app = create_app(site[0].settings, member_token=MEMBER_TOKEN)
    with TestClient(app) as first, TestClient(app) as second:
        (poll,) = first.get(f"/api/bulletins/{slug}/polls").json()
        url = f"/api/bulletins/{slug}/polls/{poll['id']}"
        before = poll["total"]
        a, b, c = (choice["id"] for choice in poll["choices"])
        answered = first.post(url, json={"choice": a}).json()
        assert answered["total"] == before + 1 and "sohoa_voter" in first.cookies
        changed = first.post(url, json={"choice": b}).json()  # the same browser changes its mind
        assert changed["total"] == before + 1
        after = second.post(url, json={"choice": b}).json()  # another browser: one more
        assert after["total"] == before + 2
        votes = {ch["id"]: ch["votes"] for ch in after["choices"]}
        start = {ch["id"]: ch["votes"] for ch in poll["choices"]}
        assert (votes[a] - start[a], votes[b] - start[b], votes[c] - start[c]) == (0, 2, 0)
        page = first.get(f"/audio/{slug}/", headers=HTML).text
        assert f'value="{b}" checked' in page  # the page shows this browser its answer


def test_the_form_works_without_javascript(client: TestClient, slug: str) -> None:
    (poll,) = client.get(f"/api/bulletins/{slug}/polls").json()
    r = client.post(f"/audio/{slug}/polls/{poll['id']}", data={"choice": str(poll["choices"][2]["id"])},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/audio/{slug}/#poll-{poll['id']}"


@pytest.mark.parametrize("body", [{}, {"choice": "một"}, {"choice": 99}, {"choice": True}, [1], "rác"])
def test_a_bad_answer_is_one_vietnamese_line(client: TestClient, slug: str, body: object) -> None:
    (poll,) = client.get(f"/api/bulletins/{slug}/polls").json()
    r = client.post(f"/api/bulletins/{slug}/polls/{poll['id']}", json=body)
    assert r.status_code == 400
    assert r.json()["error"] in ("Hãy chọn một trong các lựa chọn của phiếu thăm dò",
                                 "lựa chọn này không có trong phiếu thăm dò")


def test_unknown_poll_and_not_a_number(client: TestClient, slug: str) -> None:
    assert client.post(f"/api/bulletins/{slug}/polls/999", json={"choice": 1}).status_code == 404
    r = client.post(f"/api/bulletins/{slug}/polls/abc", json={"choice": 1})
    assert r.status_code == 400 and r.json()["error"].startswith("Số phiếu thăm dò không hợp lệ")


def test_polls_of_an_internal_bulletin_are_internal(client: TestClient, site) -> None:  # noqa: ANN001
    internal = site[1][1]
    assert client.get(f"/api/bulletins/{internal}/polls").status_code == 404
    assert client.post(f"/api/bulletins/{internal}/polls/1", json={"choice": 1}).status_code == 404
    (poll,) = client.get(f"/api/bulletins/{internal}/polls", headers=BEARER).json()
    assert client.post(f"/api/bulletins/{internal}/polls/{poll['id']}", json={"choice": 1},
                       headers=BEARER).status_code == 200


def test_results_with_bars_for_signed_in_members_only(client: TestClient, slug: str) -> None:
    visitor = client.get(f"/audio/{slug}/", headers=HTML).text
    assert 'class="poll"' in visitor.replace("panel poll", "poll") and "poll-results" not in visitor
    member = client.get(f"/audio/{slug}/", headers={**HTML, **BEARER}).text
    assert "poll-results" in member and "<meter" in member


def test_a_play_is_counted_per_day_and_shown_to_members(client: TestClient, slug: str) -> None:
    assert client.post(f"/api/bulletins/{slug}/plays").status_code == 204
    assert client.post(f"/api/bulletins/{slug}/plays").status_code == 204
    assert "Lượt nghe" not in client.get(f"/audio/{slug}/", headers=HTML).text
    member = client.get(f"/audio/{slug}/", headers={**HTML, **BEARER}).text
    assert 'id="listen-total">2<' in member
    assert client.post("/api/bulletins/khong-co/plays").status_code == 404


def test_links_from_the_configured_address(site, slug: str) -> None:  # noqa: ANN001
    settings = dataclasses.replace(site[0].settings, base_url="https://bantin.example.vn")
    with TestClient(create_app(settings, member_token="")) as client:
        feed = feedparser.parse(client.get("/audio/feed.xml").content)
        assert feed.entries[0].link == f"https://bantin.example.vn/audio/{slug}/"
        assert f"https://bantin.example.vn/audio/{slug}/" in client.get(f"/audio/{slug}/", headers=HTML).text


def test_page_dates_are_day_month_year(client: TestClient, slug: str) -> None:
    assert "10/03/2024" in client.get(f"/audio/{slug}/", headers=HTML).text
    assert "10/03/2024" in client.get("/audio/", headers=HTML).text


def test_service_worker_is_served_for_the_audio_scope(client: TestClient) -> None:
    r = client.get("/audio/offline.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "caches" in r.text
