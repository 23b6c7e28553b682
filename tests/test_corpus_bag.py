"""A document as a BagIt preservation package: written by `sohoa export --format bag`, validated
by the Library of Congress's bagit library, read back by `sohoa ingest --bag`. One real Tesseract
run on a rendered two-page scan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import bagit
import pytest

from corpus.archive import Archive
from corpus.models import DocumentMeta
from sohoa import ingest as steps
from sohoa.cli import main
from sohoa.settings import Settings
from tests.alto_schema import assert_valid_alto

META = DocumentMeta(title="Lịch sử Đảng bộ phường Quảng An", commune="Quảng An", district="Tây Hồ",
                    province="Hà Nội", year=1995, kind="history", collection="Lịch sử đảng bộ")


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    from sohoa.samples import make_scan

    folder = tmp_path_factory.mktemp("bag")
    scan = folder / "quang-an.pdf"
    make_scan(scan, pages=2, font="serif", variant="clean", seed=3)
    archive = Archive(Settings.from_env(folder / "archive"))
    [finished] = steps.ingest_plainly(archive, [steps.Job(scan, META)], run_id="test")
    archive.close()
    return folder / "archive", finished.document.id, scan


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_.value.code or 0), captured.out + captured.err


def test_export_writes_a_valid_bag_with_everything_an_archive_needs(archived, tmp_path: Path, capsys) -> None:
    home, doc_id, scan = archived
    out = tmp_path / "quang-an-bag"
    assert _run(capsys, "--archive", str(home), "export", doc_id, "--format", "bag", "--out", str(out))[0] == 0

    bag = bagit.Bag(str(out))
    bag.validate()  # every file against its SHA-256 and SHA-512
    assert set(bag.algorithms) == {"sha256", "sha512"} and bag.info["External-Identifier"] == doc_id
    data = out / "data"
    assert (data / "original" / "quang-an.pdf").read_bytes() == scan.read_bytes()
    assert {p.name for p in (data / "pages").iterdir()} == {
        f"page-000{n}.{s}" for n in (1, 2) for s in ("alto.xml", "hocr", "txt", "jpg")}
    assert_valid_alto((data / "pages" / "page-0002.alto.xml").read_bytes())
    assert (data / "lich-su-dang-bo-phuong-quang-an-1995.pdf").read_bytes().startswith(b"%PDF")
    dc = ElementTree.parse(data / "metadata" / "dublin-core.xml").getroot()
    values = {(e.tag.split("}")[1], e.text) for e in dc}
    assert {("title", META.title), ("language", "vi"), ("date", "1995"),
            ("coverage", "phường Quảng An, quận Tây Hồ, Hà Nội")} <= values
    events = json.loads((data / "metadata" / "provenance.json").read_text(encoding="utf-8"))
    assert [e["action"] for e in events][:1] == ["register"] and sum(e["action"] == "ocr" for e in events) == 2

    # a damaged bag is found out
    (data / "pages" / "page-0001.txt").write_text("sửa trộm", encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_export_refuses_a_folder_that_is_not_empty(archived, tmp_path: Path, capsys) -> None:
    home, doc_id, _ = archived
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    code, out = _run(capsys, "--archive", str(home), "export", doc_id, "--format", "bag", "--out", str(tmp_path / "full"))
    assert code == 1 and out.count("\n") == 1 and "not empty" in out
    assert not (tmp_path / "full.part").exists()


def test_ingest_reads_a_bag_back_into_another_archive(archived, tmp_path: Path) -> None:
    home, doc_id, _ = archived
    bag = tmp_path / "bag"
    assert subprocess.run([".venv/bin/sohoa", "--archive", str(home), "export", doc_id, "--format", "bag",
                           "--out", str(bag)], capture_output=True).returncode == 0
    other = tmp_path / "other-archive"
    result = subprocess.run([".venv/bin/sohoa", "--archive", str(other), "ingest", "--bag", str(bag),
                             "--bag", str(tmp_path / "not-a-bag")], capture_output=True, text=True)
    assert result.returncode == 7, result.stderr  # one bad bag, the other ingested
    assert "not a valid bag" in result.stdout + result.stderr
    archive = Archive(Settings.from_env(other))
    (doc,) = archive.catalog.documents()
    assert doc.id == doc_id and doc.meta == META and doc.page_count == 2 and doc.status == "complete"
    archive.close()
