"""The web app under odd requests, served by a real `sohoa serve` process: HEAD wherever GET is
(podcast apps probe enclosures with HEAD), a query no person types, an index that is empty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from tests.conftest import ROOT
from tests.web_fixtures import MEMBER_TOKEN, build_archive


def request(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:  # noqa: S310
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def serve(home: Path) -> Iterator[str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sohoa", "--archive", str(home), "serve", "--port", str(port)],
                            cwd=ROOT, env={**os.environ, "SOHOA_MEMBER_TOKEN": MEMBER_TOKEN},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request(base + "/")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "sohoa serve did not answer within 60 s"
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    archive, _ = build_archive(tmp_path_factory.mktemp("faults-web") / "archive")
    archive.close()
    yield from serve(archive.root)


def test_head_is_answered_wherever_get_is_with_get_headers_and_no_body(base: str) -> None:
    _, _, feed = request(base + "/audio/feed.xml")
    enclosure = feedparser.parse(feed).entries[0].enclosures[0]
    path = urllib.parse.urlsplit(enclosure.href).path
    for where in (path, "/audio/feed.xml", "/", "/search?q=lich+su", "/api/search?q=chi+bo",
                  "/documents/cukhoi", "/documents/cukhoi/pages/1", "/static/style.css"):
        get_status, get_headers, get_body = request(base + where)
        status, headers, body = request(base + where, "HEAD")
        assert (status, body) == (200, b""), where
        assert get_status == 200, where
        assert headers["content-type"] == get_headers["content-type"], where
        # a search says how long it took ("(7 ms)", "elapsed_ms": 13.54): its length varies by a few digits
        slack = 6 if "search" in where else 0
        assert abs(int(headers["content-length"]) - len(get_body)) <= slack, where
    assert int(request(base + path, "HEAD")[1]["content-length"]) == int(enclosure.length)


def test_head_keeps_the_access_rule_and_the_not_found_answers(base: str) -> None:
    assert request(base + "/documents/gialam", "HEAD")[:1] == (404,)  # internal: hidden without sign-in
    status, _, body = request(base + "/audio/khong-co/", "HEAD")
    assert (status, body) == (404, b"")


def test_a_thousand_negations_are_refused_with_a_vietnamese_400(base: str) -> None:
    query = urllib.parse.quote("-" * 1000 + "son")
    status, _, body = request(f"{base}/api/search?q={query}")
    assert status == 400
    assert "quá nhiều phủ định" in json.loads(body)["error"]
    status, _, page = request(f"{base}/search?q={query}")
    assert status == 400 and "quá nhiều phủ định" in page.decode("utf-8")


def test_a_fresh_archive_after_reindex_searches_to_zero_hits(tmp_path: Path) -> None:
    from corpus.archive import Archive
    from tests.fault_injection import sohoa

    home = tmp_path / "archive"
    archive = Archive.open(home)
    archive.close()
    assert sohoa(home, "reindex").returncode == 0  # a fresh archive: an index with no segment at all
    for base in serve(home):
        status, _, body = request(f"{base}/api/search?q=lich+su")
        assert status == 200 and json.loads(body)["total_documents"] == 0
        assert request(f"{base}/search?q=lich+su")[0] == 200
