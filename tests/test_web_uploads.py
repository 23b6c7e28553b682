"""'Nhập tài liệu' without a browser: who may upload, the size limit, bad files refused with the
line `sohoa ingest` prints, nothing half-written, upload names never used as paths, a ZIP of page
images ingested by the background command and recorded with who started it."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus import Archive
from corpus.editors import add_editor
from sohoa.cli import main
from sohoa.runs import RUN_ID, runs_folder
from tests.bad_inputs import make_bad_inputs
from web import create_app

SAME_SITE = {"origin": "http://testserver"}
STORED_NAME = re.compile(rf"\d{{4}}(\.[a-z0-9]+)?|run\.json|manifest\.csv|output\.log|quarantine|files|{RUN_ID.pattern}")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    archive = Archive.open(tmp_path / "archive")
    add_editor(archive.catalog, "lan", "ma-cua-lan-2024")
    with TestClient(create_app(archive.settings, member_token="")) as client:
        r = client.post("/members", data={"name": "lan", "token": "ma-cua-lan-2024"}, headers=SAME_SITE,
                        follow_redirects=False)
        assert r.status_code == 303
        yield client
    archive.close()


def upload(client: TestClient, files: list[tuple[str, bytes]], **form: str):  # noqa: ANN201
    return client.post("/ingest", files=[("files", (name, data)) for name, data in files], data=form,
                       headers=SAME_SITE, follow_redirects=False)


def progress(client: TestClient, response) -> dict:  # noqa: ANN001
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"] + "/progress.json").json()


def cli_lines(capsys: pytest.CaptureFixture[str], home: Path, paths: list[Path]) -> list[str]:
    """What `sohoa ingest` prints for these files, each path shown as its name."""
    with pytest.raises(SystemExit):
        main(["--archive", str(home), "ingest", *map(str, paths)])
    out, err = capsys.readouterr()
    lines = [line.removeprefix("✗ ") for line in (out + err).splitlines() if line.startswith("✗")]
    for path in paths:
        lines = [line.replace(str(path), path.name) for line in lines]
    return lines


def test_only_editors_upload(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "archive")
    with TestClient(create_app(archive.settings, member_token="")) as anonymous:
        assert anonymous.get("/ingest", follow_redirects=False).headers["location"] == "/members?next=/ingest"
        assert anonymous.get("/ingest/history", follow_redirects=False).status_code == 303
        assert upload(anonymous, [("a.png", b"x")]).status_code == 403
    assert not runs_folder(archive.settings.home).exists()
    archive.close()


def test_bad_uploads_get_the_line_sohoa_ingest_prints_and_nothing_is_archived(
        client: TestClient, capsys: pytest.CaptureFixture[str], scans, tmp_path: Path) -> None:  # noqa: ANN001
    bad = make_bad_inputs(tmp_path / "bad", scans.get("good.pdf", pages=1, variant="clean", seed=5))
    files = [path for key, (path, _) in bad.items() if key != "missing"]
    expected = cli_lines(capsys, tmp_path / "cli-archive", files)
    assert len(expected) == len(files)
    p = progress(client, upload(client, [(path.name, path.read_bytes()) for path in files], title="Hỏng"))
    assert p["state"] == "refused" and sorted(p["errors"]) == sorted(expected)
    p = progress(client, upload(client, [("hồ sơ hỏng.zip", b"PK\x03\x04 not a zip")]))
    assert len(p["errors"]) == 1 and p["errors"][0].startswith("hồ sơ hỏng.zip: damaged or unreadable ZIP")
    # rows naming a file not uploaded get the CLI's line; a row's text never reaches outside as a path
    manifest = "file,title\nkhong-co.pdf,Mất\n/etc/hostname,Ngoài\n../../catalog.sqlite,Ngoài\n"
    p = progress(client, upload(client, [("hop-01.csv", manifest.encode())]))
    assert p["errors"] == ["hop-01.csv:2: khong-co.pdf: no such file", "hop-01.csv:3: /etc/hostname: no such file",
                           "hop-01.csv:4: ../../catalog.sqlite: no such file"]

    archive = client.app.state.site.archive
    assert archive.catalog.documents() == [] and not (archive.settings.home / "originals").exists()
    for path in runs_folder(archive.settings.home).rglob("*"):  # upload names are never paths
        assert STORED_NAME.fullmatch(path.name), path


def test_an_upload_over_the_limit_is_refused_and_removed(client: TestClient) -> None:
    client.app.state.site.upload_limit = 4096
    r = upload(client, [("to.pdf", b"%PDF-1.4\n" + b"0" * 10_000)])
    assert r.status_code == 413 and "over the limit of" in r.text
    assert not any(runs_folder(client.app.state.site.archive.settings.home).iterdir())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("trang 1.png", b"\0" * 100_000)  # a hundred kilobytes in a few hundred bytes
    p = progress(client, upload(client, [("bom.zip", bomb.getvalue())]))
    assert p["errors"] == ["bom.zip: ZIP unpacks to over 0.0156 MB"] and p["state"] == "refused"
    big = b"x" * 100_000  # its Content-Length alone refuses it, before a byte is read
    r = client.post("/ingest", content=big, headers={**SAME_SITE, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    r = client.post("/ingest", content=big[:1000], headers={**SAME_SITE, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and "damaged upload" in r.text
    assert len(list(runs_folder(client.app.state.site.archive.settings.home).iterdir())) == 1  # the ZIP's run, refused


def test_a_zip_of_page_images_is_one_document_ingested_in_the_background(client: TestClient, scans) -> None:  # noqa: ANN001
    pages = [scans.get(f"trang-{n}.png", pages=1, variant="clean", seed=20 + n) for n in (1, 2)]
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        for n, page in zip((10, 2), pages):  # the order of their names, numbers read as numbers
            z.write(page, f"../ho-so/trang {n}.png")  # a member name reaching outside is just text
        z.writestr("__MACOSX/._trang 2.png", b"junk")
    files = [("hồ sơ.zip", bundle.getvalue()), ("trang-1.png", "đây không phải là ảnh".encode())]
    r = upload(client, files, title="Hồ sơ xã", year="1990", kind="history")  # one bad file never stops a batch
    run_url = r.headers["location"]
    deadline = time.monotonic() + 600
    while (p := progress(client, r))["state"] == "running" and time.monotonic() < deadline:
        time.sleep(2)
    assert p["state"] == "partial" and p["errors"] == ["trang-1.png: not an image, or a damaged one"], p
    document, refused = p["documents"]
    assert document["name"] == "hồ sơ.zip" and document["status"] == "complete" and document["pages"] == [True, True]
    archive = client.app.state.site.archive
    doc = archive.catalog.document(document["doc_id"])
    assert (doc.meta.title, doc.meta.year, doc.page_count) == ("Hồ sơ xã", 1990, 2)
    assert doc.original_name == "hồ sơ.zip"  # recorded as uploaded, though stored as a number
    assert [e["detail"]["by"] for e in archive.catalog.events(doc.id) if e["action"] == "register"] == ["lan"]
    history = client.get("/ingest/history").text
    assert run_url in history and "lan" in history and 'data-state="partial"' in history
    assert client.get(document["url"]).status_code == 200


def test_a_disk_that_refuses_the_upload_gets_one_line_and_nothing_kept(client: TestClient, monkeypatch) -> None:  # noqa: ANN001
    import web.upload_stream

    monkeypatch.setattr(web.upload_stream, "stored_name", lambda number, raw: "gone/0001.pdf")  # open() fails
    r = upload(client, [("a.pdf", b"%PDF-1.4\n")])
    assert r.status_code == 507 and "cannot store the upload" in r.text
    assert not any(runs_folder(client.app.state.site.archive.settings.home).iterdir())


def test_command_line_runs_are_in_the_history_with_their_outcome(client: TestClient, scans, tmp_path: Path,  # noqa: ANN001
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    good = scans.get("lich-su.png", pages=1, variant="clean", seed=31)
    bad = tmp_path / "hong.png"
    bad.write_text("đây không phải là ảnh")
    home = client.app.state.site.archive.settings.home
    with pytest.raises(SystemExit) as exit_:
        main(["--archive", str(home), "ingest", str(good), str(bad), "--by", "Hà", "--title", "Lịch sử"])
    assert exit_.value.code == 7 and f"✗ {bad}: not an image, or a damaged one" in capsys.readouterr().err
    history = client.get("/ingest/history").text
    assert "Hà · dòng lệnh" in history and 'data-state="partial"' in history
    run_id = RUN_ID.search(history.split("/ingest/runs/", 1)[1]).group()
    p = client.get(f"/ingest/runs/{run_id}/progress.json").json()
    assert (p["started_by"], p["exit_code"]) == ("Hà", 7)
    assert p["errors"] == [f"{bad}: not an image, or a damaged one"]
    document, refused = p["documents"]
    assert (document["name"], document["status"], document["pages"]) == (str(good), "complete", [True])
    assert refused["outcome"] == "refused" and client.get(document["url"]).status_code == 200
