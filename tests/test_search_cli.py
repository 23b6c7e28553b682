"""`sohoa search` and `sohoa reindex`, in-process and as a real program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sohoa.cli import main
from corpus import Archive
from corpus.models import DocumentMeta
from search_fixtures import add_document, backend, build_archive  # noqa: F401

SOHOA = Path(sys.executable).parent / "sohoa"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def home(backend: str, tmp_path: Path) -> str:
    build_archive(tmp_path / "archive").close()
    return str(tmp_path / "archive")


def test_search_prints_documents_snippets_and_facets(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", home, "search", "lich", "su", "dang", "bo", "--district", "Long Biên")
    assert code == 0
    assert "2 trang trong 2 tài liệu / 2 pages in 2 documents" in out
    assert "Lịch sử Đảng bộ xã Cự Khối" in out and "tr. 1:" in out
    assert "huyện/district: Long Biên (2)" in out


def test_a_snippet_across_the_pages_lines_prints_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import search_index

    archive = Archive.open(tmp_path / "archive")
    add_document(archive, "chithi", DocumentMeta(title="Chỉ thị"), ["Báo cáo kết quả với Ủy ban để theo\ndõi, chỉ đạo."])
    search_index.update_document(archive, "chithi")
    archive.close()
    code, out, _ = run(capsys, "--archive", str(tmp_path / "archive"), "search", "chi dao")
    assert code == 0 and "   tr. 1: Báo cáo kết quả với Ủy ban để theo dõi, chỉ đạo.\n" in click.unstyle(out)


def test_search_json_has_boxes_and_filters(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", home, "search", "hợp tác xã", "--year", "1970..1990", "--json")
    results = json.loads(out)
    found = {d["doc_id"]: d for d in results["documents"]}
    assert code == 0 and set(found) == {"cukhoi", "gialam"}  # the CLI shows internal documents
    boxes = found["cukhoi"]["pages"][0]["boxes"]
    assert [b["text"] for b in boxes] == ["hợp", "tác", "xã"]
    code, out, _ = run(capsys, "--archive", home, "search", "gốm", "--public-only", "--json")
    assert json.loads(out)["total_documents"] == 0


def test_search_within_a_document_sorted_by_year(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", home, "search", "đảng", "--sort", "year", "--limit", "1", "--json")
    assert [d["doc_id"] for d in json.loads(out)["documents"]] == ["thachban"]
    code, out, _ = run(capsys, "--archive", home, "search", "chi bộ", "--doc", "cukhoi", "--json")
    assert {d["doc_id"] for d in json.loads(out)["documents"]} == {"cukhoi"}


@pytest.mark.parametrize("query", ['"lịch sử', "OR", "foo:bar đảng", "!!!", "x" * 10_000, "a\x01b", "-"])
def test_odd_queries_never_traceback(home: str, capsys: pytest.CaptureFixture[str], query: str) -> None:
    code, out, err = run(capsys, "--archive", home, "search", query)
    assert code == 0 and "Traceback" not in out + err
    assert "pages in" in out


def test_bad_year_is_one_line_error(home: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--archive", home, "search", "đảng", "--year", "nineteen")
    assert code == 1 and err.count("\n") == 1 and "--year" in err


def test_reindex_then_search_in_a_real_process(home: str, backend: str) -> None:
    env = dict(os.environ, SOHOA_SEARCH_BACKEND=backend, SOHOA_HOME=home)
    done = subprocess.run([str(SOHOA), "reindex"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"indexed 9 trang/pages with {backend}" in done.stdout
    found = subprocess.run([str(SOHOA), "search", "--json", "hoa binh"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert found.returncode == 0 and json.loads(found.stdout)["total_pages"] == 2
