"""`sohoa normalize` and `sohoa audiobook`: in-process through sohoa.cli.main, and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from sohoa.cli import main
from tests.tts_fixtures import SAMPLE, SHORT_BULLETIN

SOHOA = Path(sys.executable).parent / "sohoa"


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(args)
    return exited.value.code


def test_normalize_prints_read_aloud_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["normalize", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "mười chín nghìn sáu trăm năm mươi đảng viên" in out
    assert "19.650" not in out and "TP" not in out.split()


def test_normalize_uses_the_archives_abbreviations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tts").mkdir()
    (tmp_path / "tts" / "abbreviations.tsv").write_text("BQL\tBan quản lý\n", encoding="utf-8")
    source = tmp_path / "x.txt"
    source.write_text("BQL dự án", encoding="utf-8")
    assert run_cli(["--archive", str(tmp_path), "normalize", str(source)]) == 0
    assert capsys.readouterr().out.strip() == "Ban quản lý dự án"


def test_missing_file_is_one_line_and_an_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["normalize", "/no/such/bulletin.txt"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_audiobook_needs_file_or_doc() -> None:
    assert run_cli(["audiobook"]) == 1


POLL = """
```poll
Bản tin có dễ nghe không?
- Dễ nghe
- Cần đọc chậm hơn
```
"""


def test_audiobook_refuses_a_localhost_qr_code_before_speaking(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_BASE_URL", "http://localhost:8000")
    source = tmp_path / "ban-tin.txt"
    source.write_text(SHORT_BULLETIN, encoding="utf-8")
    assert run_cli(["--archive", str(tmp_path / "archive"), "audiobook", str(source), "--engine", "espeak"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SOHOA_BASE_URL" in err and "--base-url" in err and "--local" in err
    assert not (tmp_path / "archive" / "audio").exists()  # nothing spoken, nothing written


def test_real_process_refuses_an_unset_address(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOHOA_BASE_URL"}
    done = subprocess.run([str(SOHOA), "--archive", str(tmp_path), "audiobook", str(SAMPLE)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 1 and "SOHOA_BASE_URL" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_audiobook_through_the_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ban-tin.txt"  # poll blocks are read from plain text too
    source.write_text(SHORT_BULLETIN + POLL, encoding="utf-8")
    archive = tmp_path / "archive"
    assert run_cli(["--archive", str(archive), "audiobook", str(source), "--engine", "espeak",
                    "--base-url", "https://bantin.example.vn", "--owner-email", "tuyengiao@example.vn",
                    "--issue", "3", "--date", "2023-02-15", "--publisher", "Quận ủy Long Biên"]) == 0
    folder = archive / "audio" / "2023-02-15-ban-tin-chuyen-doi-so"
    out, err = capsys.readouterr()
    assert Path(out.strip()) == folder / "2023-02-15-ban-tin-chuyen-doi-so.mp3"
    assert "https://bantin.example.vn/audio/2023-02-15-ban-tin-chuyen-doi-so/" in err
    meta = json.loads((folder / "audiobook.json").read_text(encoding="utf-8"))
    assert meta["engine"] == "espeak" and len(meta["chapters"]) == 2
    assert not feedparser.parse((archive / "audio" / "feed.xml").read_bytes()).bozo
    assert "dễ nghe" not in " ".join(c["title"] for c in meta["chapters"]).lower()  # shown, not read aloud
    # The poll written in the Markdown, answered by nobody yet; then one more added from the command line.
    assert run_cli(["--archive", str(archive), "poll", "add", folder.name, "Nghe bằng gì?", "Điện thoại", "Loa"]) == 0
    capsys.readouterr()
    assert run_cli(["--archive", str(archive), "poll", "results", folder.name, "--csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "poll,question,choice,label,votes,percent"
    assert rows[1:] == ["1,Bản tin có dễ nghe không?,1,Dễ nghe,0,0.0", "1,Bản tin có dễ nghe không?,2,Cần đọc chậm hơn,0,0.0",
                        "2,Nghe bằng gì?,1,Điện thoại,0,0.0", "2,Nghe bằng gì?,2,Loa,0,0.0"]
    # the flow's artifact: chapters, duration, engine
    from prefect.client.orchestration import get_client

    async def artifacts() -> list:
        async with get_client() as client:
            return await client.read_artifacts()

    import asyncio

    found = [a for a in asyncio.run(artifacts()) if (a.key or "").startswith("audiobook-2023-02-15")]
    assert found and "espeak" in found[0].data and "Tiến tới số hóa công tác Đảng" in found[0].data


def test_real_process_normalize_from_stdin() -> None:
    done = subprocess.run([str(SOHOA), "normalize", "-"], input="Đại hội XIII, UBND TP", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Đại hội mười ba, Ủy ban nhân dân thành phố"


@pytest.mark.slow
def test_audiobook_of_an_internal_document_stays_internal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from corpus.archive import Archive
    from corpus.models import DocumentMeta
    from tests.search_fixtures import add_document

    home = tmp_path / "archive"
    archive = Archive.open(home)
    add_document(archive, "bt0000000001", DocumentMeta(title="Bản tin nội bộ tháng 2", kind="bulletin",
                                                       access="internal"), [SHORT_BULLETIN])
    assert run_cli(["--archive", str(home), "audiobook", "--doc", "bt0000000001", "--engine", "espeak", "--local"]) == 0
    audio = Path(capsys.readouterr().out.strip().splitlines()[-1])
    meta = json.loads((audio.parent / "audiobook.json").read_text(encoding="utf-8"))
    assert (meta["access"], meta["source_doc"], meta["title"]) == ("internal", "bt0000000001", "Bản tin nội bộ tháng 2")
    feed = feedparser.parse((home / "audio" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []  # the public feed never lists it


def test_poll_and_listens_commands_on_a_published_bulletin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from corpus.archive import Archive
    from corpus.listens import record_play
    from sohoa.settings import Settings

    home = tmp_path / "archive"
    folder = home / "audio" / "ban-tin-so-5"
    folder.mkdir(parents=True)
    (folder / "audiobook.json").write_text(json.dumps({"slug": folder.name, "title": "Số 5", "file": "a.mp3",
                                                       "duration": 60}), encoding="utf-8")
    assert run_cli(["--archive", str(home), "poll", "add", "ban-tin-so-5", "Chỉ một lựa chọn?", "Có"]) == 1
    assert "2–12 lựa chọn" in capsys.readouterr().err
    assert run_cli(["--archive", str(home), "poll", "add", "khong-co", "Hỏi?", "Có", "Không"]) == 8
    assert run_cli(["--archive", str(home), "poll", "add", "ban-tin-so-5", "Hỏi?", "Có", "Không"]) == 0
    archive = Archive(Settings.from_env(home))
    record_play(archive.catalog.engine, "ban-tin-so-5", dt.date(2026, 12, 1))
    archive.close()
    capsys.readouterr()
    assert run_cli(["--archive", str(home), "listens", "ban-tin-so-5"]) == 0
    out = capsys.readouterr().out
    assert "2026-12-01" in out and "ban-tin-so-5" in out
    assert run_cli(["--archive", str(home), "poll", "results", "ban-tin-so-5"]) == 0
    assert "#1 Hỏi? (0 ý kiến)" in capsys.readouterr().out
    assert run_cli(["--archive", str(home), "poll", "remove", "ban-tin-so-5", "1"]) == 0
    assert run_cli(["--archive", str(home), "poll", "remove", "ban-tin-so-5", "1"]) == 8
