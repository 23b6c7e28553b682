"""The archive: originals by hash and read-only, atomic pages, catalog queries, verify, manifests."""

import os
import stat

import pytest

from corpus.archive import Archive, doc_id_for, sha256_of, words_json
from corpus.manifest import read_manifest
from corpus.models import Document, DocumentMeta, Page, Word
from corpus.verify import verify
from sohoa.errors import BadArgsError


def _document(archive: Archive, source, **meta) -> Document:
    sha = sha256_of(source)
    doc = Document(id=doc_id_for(sha), meta=DocumentMeta(**meta), original_name=source.name, sha256=sha,
                   original_path=archive.store_original(source, sha), media_type="application/pdf",
                   page_count=2, status="registered")
    archive.catalog.add_document(doc)
    return doc


def _page(doc_id: str, page_no: int, text: str = "Lịch sử Đảng bộ") -> Page:
    return Page(doc_id=doc_id, page_no=page_no, text=text, mean_confidence=91.5, word_count=4, width=100,
                height=200, dpi=300)


def test_original_is_stored_by_hash_and_read_only(archive, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 fake scan")
    doc = _document(archive, source)
    stored = archive.path(doc.original_path)
    assert stored.name == f"{doc.sha256}.pdf"
    assert stored.read_bytes() == source.read_bytes()
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert archive.store_original(source, doc.sha256) == doc.original_path  # a second copy is not made


def test_page_files_and_row_arrive_together(archive, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"scan")
    doc = _document(archive, source, title="Lịch sử", district="Long Biên", year=1985, kind="history")
    words = [Word("Lịch", 10, 10, 40, 20, 96.0, 1), Word("sử", 55, 10, 20, 20, 90.0, 1)]
    archive.save_page(_page(doc.id, 1), {"text.txt": "Lịch sử", "words.json": words_json(words)})
    assert archive.page_words(doc.id, 1) == words
    saved = archive.catalog.page(doc.id, 1)
    assert saved.files["text.txt"] == f"documents/{doc.id}/pages/0001/text.txt"
    assert archive.catalog.documents(district="Long Biên")[0].pages_done == 1


def test_a_page_that_fails_midway_leaves_nothing(archive, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"scan")
    doc = _document(archive, source)

    with pytest.raises(TypeError):
        archive.save_page(_page(doc.id, 2), {"text.txt": "ok", "image.jpg": object()})  # type: ignore[dict-item]
    assert archive.catalog.page(doc.id, 2) is None
    assert not archive.page_dir(doc.id, 2).exists()
    assert not list(archive.page_dir(doc.id, 2).parent.glob(".*"))  # no staging folder left behind


def test_saving_a_page_again_replaces_it(archive, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"scan")
    doc = _document(archive, source)
    archive.save_page(_page(doc.id, 1, "cũ"), {"text.txt": "cũ"})
    archive.save_page(_page(doc.id, 1, "mới"), {"text.txt": "mới"})
    assert [p.text for p in archive.catalog.pages(doc.id)] == ["mới"]
    assert (archive.page_dir(doc.id, 1) / "text.txt").read_text(encoding="utf-8") == "mới"


def test_document_text_joins_pages_with_form_feeds(archive, tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"scan")
    doc = _document(archive, source)
    for n, text in ((1, "trang một"), (2, "trang hai")):
        archive.save_page(_page(doc.id, n, text), {"text.txt": text})
    assert archive.write_document_text(doc.id).read_text(encoding="utf-8") == "trang một\ftrang hai"


def test_verify_finds_altered_and_missing_originals(archive, tmp_path):
    sources = []
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        sources.append(tmp_path / name)
        sources[-1].write_bytes(name.encode())
    docs = [_document(archive, s) for s in sources]
    assert verify(archive) == (3, [])
    altered = archive.path(docs[0].original_path)
    os.chmod(altered, 0o644)
    altered.write_bytes(b"tampered")
    archive.path(docs[1].original_path).unlink()
    checked, damage = verify(archive)
    assert checked == 3
    assert {(d.doc_id, d.problem) for d in damage} == {(docs[0].id, "altered"), (docs[1].id, "missing")}


def test_metadata_is_nfc_and_checked():
    import unicodedata

    meta = DocumentMeta.parse(commune=unicodedata.normalize("NFD", "Cự Khối"), year="1985", kind="history")
    assert meta.commune == "Cự Khối" and meta.year == 1985
    with pytest.raises(BadArgsError, match="impossible"):
        DocumentMeta.parse(year="2999")
    with pytest.raises(BadArgsError, match="not a number"):
        DocumentMeta.parse(year="năm 1985")
    with pytest.raises(BadArgsError, match="kind"):
        DocumentMeta.parse(kind="novel")


def test_manifest_rows_carry_their_own_errors(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"x")
    (tmp_path / "b.pdf").write_bytes(b"x")
    manifest = tmp_path / "box.csv"
    manifest.write_text(
        "file,title,ward,district,province,year,kind,collection,access\n"
        "a.pdf,Lịch sử Đảng bộ phường,Cự Khối,Long Biên,Hà Nội,2010,history,LS,public\n"
        "missing.pdf,x,,,,2010,history,,public\n"
        "b.pdf,x,,,,1066,history,,public\n", encoding="utf-8")
    good, missing, old = read_manifest(manifest)
    assert good.error is None and good.meta.commune == "Cự Khối" and good.meta.year == 2010
    assert "missing.pdf: no such file" in missing.error and missing.error.startswith("box.csv:3")
    assert "year 1066 is impossible" in old.error
    assert good.original_name == ""  # the file's own name, unless the optional column says otherwise


def test_a_manifest_can_name_the_original_and_say_where_its_files_are(tmp_path):
    stored = tmp_path / "0001.pdf"
    stored.write_bytes(b"x")
    manifest = tmp_path / "box.csv"
    manifest.write_text("file,title,original_name\nLịch sử.pdf,Lịch sử,Lịch sử.pdf\nkhac.pdf,Khác,\n", encoding="utf-8")
    uploaded = {"Lịch sử.pdf": stored}  # how uploads find files stored under numbers
    found, missing = read_manifest(manifest, locate=lambda name: uploaded.get(name, tmp_path / "missing" / name))
    assert (found.path, found.original_name, found.error) == (stored, "Lịch sử.pdf", None)
    assert missing.error == "box.csv:3: khac.pdf: no such file"
