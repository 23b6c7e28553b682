""""Bản tin" without a browser: only editors, each bad bulletin refused with the line `sohoa
audiobook` prints for it (nothing kept), the published command built from the form, and a
second "Xuất bản" starting nothing twice."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from corpus import Archive
from corpus.editors import add_editor
from sohoa.cli import main
from sohoa.runs import Run, run_folder, runs_folder
from tests.test_web_uploads import SAME_SITE
from web import create_app

BAD = {  # what an editor might pick instead of a bulletin
    "ban-tin.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old Word",
    "ban-tin.txt": "Bản tin".encode("utf-16"),  # not UTF-8
    "ban-tin.docx": b"PK\x03\x04 not really a Word file",
    "ban-tin.pdf": b"%PDF-1.4 damaged",
}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive.open(tmp_path / "archive")
    add_editor(archive.catalog, "lan", "ma-cua-lan-2024")
    yield archive
    archive.close()


@pytest.fixture
def client(archive: Archive) -> Iterator[TestClient]:
    with TestClient(create_app(archive.settings, member_token="")) as client:
        client.post("/members", data={"name": "lan", "token": "ma-cua-lan-2024"}, headers=SAME_SITE)
        yield client


def send(client: TestClient, files: list[tuple[str, str, bytes]], **form: str):  # noqa: ANN201
    return client.post("/ingest/bulletin", files=[(field, (name, data)) for field, name, data in files],
                       data=form, headers=SAME_SITE, follow_redirects=False)


def cli_line(capsys: pytest.CaptureFixture[str], home: Path, path: Path) -> str:
    with pytest.raises(SystemExit):
        main(["--archive", str(home), "normalize", str(path)])  # reads the file as `sohoa audiobook` does
    return capsys.readouterr().err.strip().removeprefix("sohoa: lỗi / error: ").replace(str(path), path.name)


def test_only_editors_see_the_bulletin_page(archive: Archive) -> None:
    with TestClient(create_app(archive.settings, member_token="")) as stranger:
        assert "Đăng nhập" in stranger.get("/ingest/bulletin").text
        assert send(stranger, [("file", "a.txt", b"Tin.")]).status_code == 403
    assert not runs_folder(archive.settings.home).exists() or not any(runs_folder(archive.settings.home).iterdir())


def test_bad_bulletins_get_the_commands_line_and_leave_nothing(client, archive, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    for name, data in BAD.items():
        (tmp_path / name).write_bytes(data)
        r = send(client, [("file", name, data)])
        assert r.status_code == 400
        assert cli_line(capsys, archive.settings.home, tmp_path / name) in r.text, name
    r = send(client, [("file", "a.txt", "Tin trong tuần.".encode()), ("cover", "bia.png", b"not a png")])
    assert r.status_code == 400 and "bia.png: không phải ảnh JPEG/PNG đọc được / not a readable image" in r.text
    r = send(client, [("file", "a.txt", "Tin trong tuần.".encode())], date="10/03/2024")
    assert r.status_code == 400 and "ngày không hợp lệ / bad date: 10/03/2024" in r.text
    assert not any(runs_folder(archive.settings.home).iterdir())


def test_publishing_records_the_command_once(client, archive: Archive, monkeypatch) -> None:  # noqa: ANN001
    started: list[str] = []
    monkeypatch.setattr("sohoa.uploads.start", lambda settings, run, folder: started.append(run.id))
    cover = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(cover, "PNG")
    r = send(client, [("file", "../../bản tin.md", "# Tin tuần\n\nCó 12 chi bộ.".encode()),
                      ("cover", "bìa.png", cover.getvalue())], issue="7", date="2024-03-10", engine="espeak")
    assert r.status_code == 303
    preview = client.get(r.headers["location"])
    assert "<del>12</del> <ins>mười hai</ins>" in preview.text
    run_id = r.headers["location"].rsplit("/", 1)[-1]
    folder = run_folder(archive.settings.home, run_id)
    run = Run.load(folder)
    assert run.kind == "audiobook" and run.state == "preview" and run.result_url == "/audio/2024-03-10-tin-tuan/"
    assert run.command == ["audiobook", str(folder / "files" / "0001.md"), "--engine", "espeak", "--issue", "7",
                           "--date", "2024-03-10", "--access", "public", "--cover", str(folder / "files" / "0002.png")]
    assert sorted(p.name for p in (folder / "files").iterdir()) == ["0001.md", "0002.png"]
    for _ in range(2):
        assert client.post(f"/ingest/bulletin/{run_id}", headers=SAME_SITE, follow_redirects=False).status_code == 303
    assert started == [run_id] and Run.load(folder).state == "running"
    assert [i.name for i in Run.load(folder).items] == ["bản tin.md", "bìa.png"]
