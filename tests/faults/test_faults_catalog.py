"""A damaged catalog or archive folder, met by real `sohoa` processes: truncated, zeroed and removed
files. Each says what is wrong in one line, exits 6, and `verify` / `rebuild-catalog` repair it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from sohoa.errors import ExitCode
from tests.fault_injection import Ingested, one_line, sohoa


def documents(home: Path) -> dict[str, dict[str, object]]:
    listed = sohoa(home, "docs", "--json")
    assert listed.returncode == 0, listed.stderr
    return {d["id"]: d for d in json.loads(listed.stdout)}


def copy_the_write_ahead_log(catalog: Path) -> list[Path]:
    """Copies of the -wal and -shm files a process writing ``catalog`` has while it runs."""
    with closing(sqlite3.connect(catalog)) as db:
        db.execute("PRAGMA wal_autocheckpoint=0")  # the changes stay in the log
        db.execute("VACUUM")  # every page of this catalog rewritten, into the log
        return [Path(shutil.copy(f"{catalog}{side}", catalog.parent.with_name(f"lost{side}"))) for side in ("-wal", "-shm")]


def test_an_emptied_catalog_is_refused_not_recreated_and_rebuilt_from_the_folder(ingested: Ingested,
                                                                               damageable: Path) -> None:
    before = documents(damageable)
    catalog = damageable / "catalog.sqlite"
    lost_log = copy_the_write_ahead_log(catalog)
    catalog.write_bytes(b"")
    for side in lost_log:  # the emptied catalog's log, as a process killed while writing it leaves it
        shutil.copy(side, f"{catalog}{side.name.removeprefix('lost')}")
    for command in (["verify"], ["docs"], ["reindex"], ["ingest", str(damageable / "originals")]):
        refused = sohoa(damageable, *command)
        assert refused.returncode == ExitCode.damaged_archive, command
        assert "catalog.sqlite" in one_line(refused) and "sohoa rebuild-catalog" in one_line(refused)
    assert (damageable / "catalog.sqlite").stat().st_size == 0  # not silently recreated
    rebuilt = sohoa(damageable, "rebuild-catalog")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "2 documents, 3 pages" in rebuilt.stdout
    after = documents(damageable)
    keep = ("title", "district", "year", "kind", "access", "sha256", "original_path", "status", "pages_done")
    assert {i: {k: d[k] for k in keep} for i, d in after.items()} == \
        {i: {k: d[k] for k in keep} for i, d in before.items()}
    assert sohoa(damageable, "verify").returncode == 0
    # the lost catalog's log is kept aside, not left where SQLite would replay it into the new one
    # (by hand, a log a real run left made the rebuilt catalog "malformed")
    assert list(damageable.glob("catalog.sqlite.damaged-*-wal"))
    assert not list(damageable.glob(".catalog.sqlite.rebuilding-*"))
    text = sohoa(damageable, "text", ingested.doc_ids[0], "--page", "2")
    assert text.returncode == 0 and text.stdout.strip()


def test_a_catalog_cut_to_8_kib_names_the_file_and_the_repair(damageable: Path) -> None:
    catalog = damageable / "catalog.sqlite"
    catalog.write_bytes(catalog.read_bytes()[:8192])
    for suffix in ("-wal", "-shm"):
        Path(f"{catalog}{suffix}").unlink(missing_ok=True)
    for command in (["docs"], ["verify"], ["search", "lịch sử"]):
        damaged = sohoa(damageable, *command)
        assert damaged.returncode == ExitCode.damaged_archive, (command, damaged.stderr)
        assert str(catalog) in one_line(damaged) and "sohoa rebuild-catalog" in one_line(damaged)
    rebuilt = sohoa(damageable, "rebuild-catalog")
    assert rebuilt.returncode == 0 and "kept as" in rebuilt.stdout
    assert list(damageable.glob("catalog.sqlite.damaged-*"))  # the damaged file is kept for a look
    assert len(documents(damageable)) == 2


def test_verify_compares_the_catalog_with_the_folder_both_ways(ingested: Ingested, damageable: Path) -> None:
    assert sohoa(damageable, "verify").returncode == 0
    history, picture = ingested.doc_ids
    shutil.rmtree(damageable / "documents" / history / "pages" / "0002")  # a row without its folder
    (damageable / "documents" / picture / "pages" / "0001" / "words.json").unlink()  # a page file
    stray = damageable / "originals" / "ab" / ("ab" * 32 + ".pdf")  # an original no row claims
    stray.parent.mkdir()
    stray.write_bytes(b"%PDF-1.4\n")
    orphan = damageable / "documents" / history / "pages" / "0009"  # a page folder no row claims
    orphan.mkdir()
    shutil.rmtree(damageable / "index")
    assert sohoa(damageable, "reindex").returncode == 0
    assert sohoa(damageable, "delete", picture, "--yes").returncode == 0
    (damageable / "documents" / picture / "pages" / "0001").mkdir(parents=True)  # a folder without a document
    checked = sohoa(damageable, "verify")
    assert checked.returncode == ExitCode.damaged_archive
    problems = [line for line in checked.stdout.splitlines() if line.startswith("✗")]
    assert any("pages/0002: page 2: folder missing" in p for p in problems), problems
    assert any(f"originals/ab/{stray.name}: original without a catalog row" in p for p in problems), problems
    assert any("pages/0009: page folder without a catalog row" in p for p in problems), problems
    assert any(f"documents/{picture}: document folder without a catalog row" in p for p in problems), problems
    assert len(problems) == 4, problems


def test_verify_names_a_document_missing_from_the_index(ingested: Ingested, damageable: Path) -> None:
    shutil.rmtree(damageable / "index")
    assert sohoa(damageable, "verify").returncode == 0  # no index at all yet: said, not damage
    from corpus.archive import Archive

    archive = Archive.open(damageable)
    import search_index

    search_index.update_document(archive, ingested.doc_ids[1])  # only one of the two
    archive.close()
    checked = sohoa(damageable, "verify")
    assert checked.returncode == ExitCode.damaged_archive
    assert f"✗ {ingested.doc_ids[0]}: index: not in the search index" in checked.stdout


def test_export_of_a_document_missing_a_page_folder_writes_nothing(ingested: Ingested, damageable: Path,
                                                                  tmp_path: Path) -> None:
    history = ingested.doc_ids[0]
    shutil.rmtree(damageable / "documents" / history / "pages" / "0002")
    for fmt in ("alto", "hocr", "txt", "pdf"):
        out = tmp_path / f"out-{fmt}"
        exported = sohoa(damageable, "export", history, "--format", fmt, "--out", str(out))
        assert exported.returncode == ExitCode.damaged_archive, fmt
        assert "page 2" in one_line(exported) and "pages/0002" in one_line(exported)
        assert not out.exists(), fmt
    assert "page 2: folder missing" in sohoa(damageable, "verify").stdout
