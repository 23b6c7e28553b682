"""`sohoa normalize` and `sohoa audiobook`: in-process through sohoa.cli.main, and as a real process."""

from __future__ import annotations

import json
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


@pytest.mark.slow
def test_audiobook_through_the_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ban-tin.txt"
    source.write_text(SHORT_BULLETIN, encoding="utf-8")
    archive = tmp_path / "archive"
    assert run_cli(["--archive", str(archive), "audiobook", str(source), "--engine", "espeak",
                    "--issue", "3", "--date", "2023-02-15", "--publisher", "Quận ủy Long Biên"]) == 0
    folder = archive / "audio" / "2023-02-15-ban-tin-chuyen-doi-so"
    assert Path(capsys.readouterr().out.strip()) == folder / "2023-02-15-ban-tin-chuyen-doi-so.mp3"
    meta = json.loads((folder / "audiobook.json").read_text(encoding="utf-8"))
    assert meta["engine"] == "espeak" and len(meta["chapters"]) == 2
    assert not feedparser.parse((archive / "audio" / "feed.xml").read_bytes()).bozo
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
