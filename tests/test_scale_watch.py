"""The hot folder: its plain logic with a stand-in ingest, then one real run of `sohoa watch --once`."""

from __future__ import annotations

import fcntl
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from corpus.archive import Archive
from sohoa.cli import main
from sohoa.ingest import Job
from sohoa.runs import Run, run_folder, run_ids
from sohoa.watch import LOCK_FILE, Watcher


@dataclass
class Outcome:
    path: str
    errors: list[str] = field(default_factory=list)


class FakeIngest:
    """Records each batch; files whose name contains 'bad' fail."""

    def __init__(self) -> None:
        self.batches: list[list[Job]] = []

    def __call__(self, jobs: list[Job]) -> list[Outcome]:
        self.batches.append(jobs)
        return [Outcome(str(j.path), ["not a PDF"] if "bad" in j.path.name else []) for j in jobs]

    @property
    def names(self) -> list[str]:
        return [j.path.name for batch in self.batches for j in batch]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_a_file_is_taken_only_once_its_size_stops_changing(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    scan = inbox / "lich-su.pdf"
    scan.write_bytes(b"%PDF-1.4 first half")
    assert watcher.poll().waiting == ["lich-su.pdf"]  # first sight: size unknown before
    with open(scan, "ab") as fh:
        fh.write(b" second half")
    assert watcher.poll().waiting == ["lich-su.pdf"]  # still growing
    report = watcher.poll()
    assert report.done == ["lich-su.pdf"] and ingest.names == ["lich-su.pdf"]
    assert (inbox / "done" / "lich-su.pdf").read_bytes().endswith(b"second half")
    assert not scan.exists() and watcher.poll().done == []  # nothing is ingested twice


def test_empty_hidden_and_half_written_names_are_left_alone(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    (inbox / "empty.pdf").touch()
    (inbox / ".hidden.pdf").write_bytes(b"x")
    (inbox / "ban-tin.pdf.part").write_bytes(b"x")
    (inbox / "ban-tin.pdf.crdownload").write_bytes(b"x")
    watcher.poll()
    assert watcher.poll().waiting == ["empty.pdf"] and ingest.batches == []


def test_failures_go_to_failed_with_a_reason_and_names_never_clash(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    (inbox / "done").mkdir()
    (inbox / "done" / "a.pdf").write_bytes(b"an earlier a.pdf")
    (inbox / "a.pdf").write_bytes(b"a")
    (inbox / "bad.pdf").write_bytes(b"b")
    watcher.poll()
    report = watcher.poll()
    assert report.done == ["a.pdf"] and report.failed == {"bad.pdf": ["not a PDF"]}
    assert (inbox / "done" / "a.pdf").read_bytes() == b"an earlier a.pdf"
    assert (inbox / "done" / "a-2.pdf").read_bytes() == b"a"
    assert "not a PDF" in (inbox / "failed" / "bad.pdf.reason.txt").read_text(encoding="utf-8")


def test_a_manifest_gives_metadata_and_follows_its_files_to_done(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    (inbox / "manifest.csv").write_text(
        "file,title,commune,district,year,kind\n"
        "cu-khoi.pdf,Lịch sử Đảng bộ xã Cự Khối,Cự Khối,Long Biên,2010,history\n"
        "sai-nam.pdf,Sai năm,,,1650,history\n"
        "chua-toi.pdf,Chưa tới,,,2001,bulletin\n", encoding="utf-8")
    for name in ("cu-khoi.pdf", "sai-nam.pdf"):
        (inbox / name).write_bytes(b"scan")
    watcher.poll()
    report = watcher.poll()
    [job] = ingest.batches[0]
    assert job.meta.commune == "Cự Khối" and job.meta.year == 2010 and job.meta.kind == "history"
    assert report.done == ["cu-khoi.pdf"] and "1650" in report.failed["sai-nam.pdf"][0]
    assert (inbox / "manifest.csv").exists()  # chua-toi.pdf has not come yet: its metadata waits
    (inbox / "chua-toi.pdf").write_bytes(b"later")
    watcher.poll()
    assert watcher.poll().done == ["chua-toi.pdf"] and ingest.batches[-1][0].meta.kind == "bulletin"
    assert (inbox / "done" / "manifest.csv").exists()


def test_scans_wait_while_their_manifest_is_still_arriving(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    (inbox / "a.pdf").write_bytes(b"scan")
    watcher.poll()
    (inbox / "manifest.csv").write_text("file,title\na.pdf,Tiêu đề\n", encoding="utf-8")
    watcher.poll()
    assert ingest.batches == []
    watcher.poll()
    assert ingest.batches[0][0].meta.title == "Tiêu đề"


def test_a_folder_of_page_images_is_one_document(inbox):
    ingest = FakeIngest()
    watcher = Watcher(inbox, ingest)
    (inbox / "trang-quet").mkdir()
    (inbox / "trang-quet" / "0001.png").write_bytes(b"p1")
    watcher.poll()
    (inbox / "trang-quet" / "0002.png").write_bytes(b"p2")
    assert watcher.poll().waiting == ["trang-quet"]  # a page was added: not finished yet
    assert watcher.poll().done == ["trang-quet"] and (inbox / "done" / "trang-quet" / "0002.png").exists()


def test_two_watchers_never_take_the_same_inbox_at_once(inbox):
    (inbox / "a.pdf").write_bytes(b"scan")
    with open(inbox / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert Watcher(inbox, FakeIngest()).poll().busy


@pytest.mark.slow
def test_watch_once_ingests_a_dropped_batch(capsys, tmp_path, scans):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scan = scans.get("watch-one-page.pdf", pages=1, font="serif", variant="clean", seed=21)
    (inbox / "nghia-trung.pdf").write_bytes(scan.read_bytes())
    (inbox / "hong.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    (inbox / "manifest.csv").write_text("file,title,commune,year,kind\n"
                                        "nghia-trung.pdf,Lịch sử xã Nghĩa Trung,Nghĩa Trung,1995,history\n",
                                        encoding="utf-8")
    home = tmp_path / "archive"
    with pytest.raises(SystemExit) as done:
        main(["--archive", str(home), "watch", str(inbox), "--once", "--settle", "0.5"])
    out, err = capsys.readouterr()
    assert done.value.code == 7, out + err  # one file failed
    assert "✓ nghia-trung.pdf → done/" in out and "✗ hong.pdf → failed/" in out
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["manifest.csv", "nghia-trung.pdf"]
    assert (inbox / "failed" / "hong.pdf.reason.txt").read_text(encoding="utf-8").strip()
    [doc] = Archive.open(home).catalog.documents()
    assert doc.meta.commune == "Nghĩa Trung" and doc.status == "complete" and doc.original_name == "nghia-trung.pdf"
    [run_id] = run_ids(home)  # the poll that found scans, in "Lịch sử nhập"
    run = Run.load(run_folder(home, run_id))
    assert (run.origin, run.started_by, run.state, run.exit_code) == ("watch", "watch", "done", 7)
    assert {Path(i.name).name: (i.outcome, bool(i.error)) for i in run.items} == {
        "nghia-trung.pdf": ("new", False), "hong.pdf": ("refused", True)}
