"""Ingest end to end through the real Prefect flow and the real Tesseract.

The CLI is called in-process (``sohoa.cli.main``), so Prefect's ephemeral API starts once for the
module; the plain functions are also called directly, without Prefect.
"""

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

import search_index
from corpus.archive import Archive
from ocr.metrics import error_rates
from search_index import SearchRequest
from sohoa.cli import main
from sohoa.ingest import Job, ingest_plainly, plan, plan_job, register
from tests.bad_inputs import make_bad_inputs
from tests.conftest import SHARED_SAMPLES

pytestmark = pytest.mark.slow


def sohoa(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return its exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return done.value.code, out, err


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("ingest") / "archive"


@pytest.fixture(scope="module")
def clean_box(scans):
    """A clean serif PDF and a clean typewriter TIFF with their ground truth."""
    return {"serif": scans.get("serif.pdf", pages=2, font="serif", variant="clean", seed=3),
            "typewriter": scans.get("typewriter.tiff", pages=1, font="typewriter", variant="clean", seed=4)}


def test_clean_pages_are_read_with_under_2_percent_cer(capsys, home, scans, clean_box):
    code, out, err = sohoa(capsys, "--archive", str(home), "ingest", str(clean_box["serif"]),
                           str(clean_box["typewriter"]), "--title", "Lịch sử Đảng bộ xã Nghĩa Trung",
                           "--commune", "Nghĩa Trung", "--district", "Vũ Thư", "--year", "1995", "--kind", "history")
    assert code == 0, err
    assert "Traceback" not in out + err and "ERROR" not in out + err
    assert "2 documents, 3 pages archived" in out
    archive = Archive.open(home)
    for name, path in clean_box.items():
        doc = next(d for d in archive.catalog.documents() if d.original_name == path.name)
        assert doc.status == "complete" and doc.meta.district == "Vũ Thư"
        for page, truth in zip(archive.catalog.pages(doc.id), scans.truth[path.name], strict=True):
            assert error_rates(page.text, truth).cer < 0.02, (name, page.page_no)
            assert page.word_count > 50 and page.mean_confidence > 80
            assert archive.page_words(doc.id, page.page_no)[0].width > 0
            assert (archive.page_dir(doc.id, page.page_no) / "page.hocr").read_text().startswith("<?xml")
        text = (archive.document_dir(doc.id) / "text.txt").read_text(encoding="utf-8")
        assert text.count("\f") == doc.page_count - 1
        searchable = archive.document_dir(doc.id) / "searchable.pdf"
        layer = subprocess.run(["pdftotext", "-raw", str(searchable), "-"], capture_output=True, text=True).stdout
        assert layer.count("\f") == doc.page_count and "Nghĩa Trung" in layer


def test_ingesting_again_is_a_no_op(capsys, home, clean_box):
    archive = Archive.open(home)
    ocr_events = len([e for e in archive.catalog.events() if e["action"] == "ocr"])
    code, out, _ = sohoa(capsys, "--archive", str(home), "ingest", str(clean_box["serif"]))
    assert code == 0
    assert "already archived as" in out
    assert len(archive.catalog.documents()) == 2
    assert len([e for e in archive.catalog.events() if e["action"] == "ocr"]) == ocr_events


def test_docs_show_and_text_read_the_archive(capsys, home, clean_box):
    code, out, _ = sohoa(capsys, "--archive", str(home), "docs", "--json", "--district", "Vũ Thư")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 2 and {d["status"] for d in listed} == {"complete"}
    doc_id = next(d["id"] for d in listed if d["original_name"] == "serif.pdf")
    code, out, _ = sohoa(capsys, "--archive", str(home), "show", doc_id)
    assert code == 0 and "Nghĩa Trung" in out and "2/2 pages" in out
    code, out, _ = sohoa(capsys, "--archive", str(home), "text", doc_id, "--page", "2")
    assert code == 0 and "Đảng" in out
    code, _, err = sohoa(capsys, "--archive", str(home), "text", doc_id, "--page", "9")
    assert code == 8 and err.count("\n") == 1 and "no page 9" in err


def test_force_redoes_the_ocr_and_keeps_metadata_not_given_again(capsys, home, clean_box):
    code, out, _ = sohoa(capsys, "--archive", str(home), "ingest", "--force", str(clean_box["typewriter"]),
                         "--kind", "resolution", "--by", "lan")
    assert code == 0 and "already archived" not in out
    archive = Archive.open(home)
    assert [e["detail"]["by"] for e in archive.catalog.events() if e["action"] == "force"] == ["lan"]
    doc = next(d for d in archive.catalog.documents() if d.original_name == "typewriter.tiff")
    assert (doc.meta.kind, doc.meta.district, doc.meta.year) == ("resolution", "Vũ Thư", 1995)


def test_one_bad_file_never_stops_the_batch(capsys, tmp_path, scans, clean_box):
    bad = make_bad_inputs(tmp_path / "bad", clean_box["serif"])
    good = scans.get("good.png", pages=1, variant="clean", seed=7)
    manifest = tmp_path / "box.csv"
    manifest.write_text("file,title,year,kind\n"
                        f"{good},Ảnh tốt,1990,history\n"
                        "khong-ton-tai.pdf,Mất,1990,history\n"
                        f"{good},Năm sai,2999,history\n", encoding="utf-8")
    home = tmp_path / "archive"
    paths = [str(path) for path, _ in bad.values()]
    code, out, err = sohoa(capsys, "--archive", str(home), "ingest", *paths, "--manifest", str(manifest),
                           "--allow-outside")
    assert code == 7
    lines = (out + err).splitlines()
    for path, reason in bad.values():
        assert [line for line in lines if str(path) in line and reason in line], (path, reason)
    assert any("box.csv:3" in line and "no such file" in line for line in lines)
    assert any("box.csv:4" in line and "impossible" in line for line in lines)
    assert "Traceback" not in out + err
    archive = Archive.open(home)
    assert [d.original_name for d in archive.catalog.documents()] == ["good.png"]
    assert archive.catalog.documents()[0].status == "complete"
    assert not (home / "documents").exists() or len(list((home / "documents").iterdir())) == 1


@pytest.mark.parametrize("sample, expected", [
    ("scans-vi/vietsample2.tif", "Rước đèn tháng tám"),  # scanned sideways
    ("scans-vi/vietsample.tif", "Tôi Đi Học"),
    ("scans-other/skew.pdf", ""),
    ("scans-other/typewriter.png", ""),
])
def test_real_samples_ingest_without_error(capsys, tmp_path, sample, expected):
    path = SHARED_SAMPLES / sample
    if not path.exists():
        pytest.skip(f"{path} is not here")
    code, out, err = sohoa(capsys, "--archive", str(tmp_path / "a"), "ingest", str(path))
    assert code == 0, out + err
    archive = Archive.open(tmp_path / "a")
    (doc,) = archive.catalog.documents()
    assert doc.status == "complete"
    first = archive.catalog.pages(doc.id)[0]
    assert expected in first.text
    # The page image a viewer shows has the geometry the word boxes were measured on.
    with Image.open(archive.path(first.files["image.jpg"])) as image:
        assert image.size == (first.width, first.height)


def test_plain_functions_ingest_without_prefect(settings, scans, monkeypatch):
    """The service's journey called directly: the same pages, PDF and index entry as the flow's."""
    import sohoa.ingest

    hashed: list[Path] = []
    monkeypatch.setattr(sohoa.ingest, "sha256_of", lambda path, real=sohoa.ingest.sha256_of: hashed.append(path)
                        or real(path))
    archive = Archive(settings)
    scan = scans.get("plain.png", pages=1, variant="clean", seed=9)
    todo, twice = plan(archive, [Job(scan), Job(scan)])
    assert todo.outcome == "new" and todo.pages == (1,)
    assert twice.outcome == "duplicate" and not twice.has_work  # a batch does each document once

    hashed.clear()
    [finished] = ingest_plainly(archive, [Job(scan, started_by="lan")], run_id="test")
    assert hashed == [scan]  # one hash per file, from plan to finish
    doc = finished.document
    assert doc.status == "complete" and not finished.errors
    [page] = archive.catalog.pages(doc.id)
    assert error_rates(page.text, scans.truth["plain.png"][0]).cer < 0.02
    events = archive.catalog.events(doc.id)
    assert (events[0]["action"], events[0]["detail"]["by"]) == ("register", "lan")  # who started the run
    assert events[1]["detail"]["tesseract"].startswith("5.")
    assert "vie" in events[1]["detail"]["language_data"]
    assert (archive.document_dir(doc.id) / "searchable.pdf").stat().st_size > 0
    assert [hit.doc_id for hit in search_index.search(archive, SearchRequest(query="Đảng")).documents] == [doc.id]
    assert plan_job(archive, Job(scan)).outcome == "already"
    assert ingest_plainly(archive, [Job(scan)]) == []


def test_a_document_another_command_registered_since_the_plan_is_continued(settings, scans):
    archive = Archive(settings)
    scan = scans.get("plain.png", pages=1, variant="clean", seed=9)
    mine, theirs = plan_job(archive, Job(scan)), plan_job(archive, Job(scan))  # two commands, one file

    assert register(archive, theirs, run_id="theirs").outcome == "new"
    registration = register(archive, mine, run_id="mine")
    assert (registration.outcome, registration.pages_todo) == ("resumed", (1,))
    assert len(archive.catalog.documents()) == 1


def test_each_document_gets_a_prefect_artifact(home):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    doc = next(d for d in Archive.open(home).catalog.documents() if d.original_name == "serif.pdf")
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"ingest-{doc.id}"])))
    assert artifacts, "the ingest flow should publish a markdown summary per document"
    assert "| page | words | confidence | state |" in artifacts[0].data
    assert "Lịch sử Đảng bộ xã Nghĩa Trung" in artifacts[0].data


# Last: it deletes a document the tests above read.
def test_ingested_pages_are_searchable_without_diacritics_until_deleted(capsys, home):
    code, out, _ = sohoa(capsys, "--archive", str(home), "search", "nghia trung", "--district", "Vũ Thư", "--json")
    found = json.loads(out)
    assert code == 0 and found["total_documents"] == 2, out
    assert "<mark>" in found["documents"][0]["pages"][0]["snippet_html"]
    doc_id = next(d["doc_id"] for d in found["documents"] if d["kind"] == "history")
    assert {d["kind"] for d in found["documents"]} == {"history", "resolution"}
    archive = Archive.open(home)
    doc = archive.catalog.document(doc_id)
    code, _, _ = sohoa(capsys, "--archive", str(home), "delete", doc_id, "--yes")
    assert code == 0 and archive.catalog.document(doc_id) is None
    assert archive.path(doc.original_path).exists()  # originals are never destroyed
    code, out, _ = sohoa(capsys, "--archive", str(home), "search", "nghia trung", "--json")
    assert len(json.loads(out)["documents"]) == 1 and doc_id not in out
