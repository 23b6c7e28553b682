"""A small archive of Vietnamese party-history pages for the search tests, one per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Archive, Document, DocumentMeta, Page, Word
from corpus.archive import words_json

BACKENDS = ["whoosh", "tantivy"]

# doc id → (meta, pages). Texts are NFC except where a test says otherwise.
CORPUS: dict[str, tuple[DocumentMeta, list[str]]] = {
    "cukhoi": (
        DocumentMeta(title="Lịch sử Đảng bộ xã Cự Khối", commune="Cự Khối", district="Long Biên",
                     province="Hà Nội", year=1985, kind="history", collection="Lịch sử đảng bộ xã"),
        ["Lịch sử Đảng bộ xã Cự Khối (1930–1985). Chi bộ đầu tiên ra đời năm 1930.",
         "Năm 1975, hợp tác xã nông nghiệp được củng cố; nhân dân hoà bình xây dựng quê hương.",
         "Đảng bộ lãnh đạo phong trào thi đua yêu nước, đê sông Hồng được gia cố."],
    ),
    "longan": (
        DocumentMeta(title="Bản tin Đảng bộ tỉnh Long An", commune="Thạnh Lợi", district="Bến Lức",
                     province="Long An", year=2010, kind="bulletin"),
        ["Bản tin số 12: Đảng bộ tỉnh Long An ở đồng bằng sông Cửu Long, ý kiến của đảng viên.",
         "Công tác xây dựng Đảng năm 2010: kết nạp đảng viên mới, học tập nghị quyết."],
    ),
    "gialam": (
        DocumentMeta(title="Nghị quyết Đảng uỷ huyện Gia Lâm", commune="Bát Tràng", district="Gia Lâm",
                     province="Hà Nội", year=1978, kind="resolution", access="internal"),
        ["Nghị quyết về hợp tác xã gốm sứ Bát Tràng, nội bộ, không phổ biến."],
    ),
    "thachban": (
        DocumentMeta(title="Lịch sử xã Thạch Bàn 1945–1954", commune="Thạch Bàn", district="Long Biên",
                     province="Hà Nội", year=1954, kind="history"),
        ["Đồng chí Nguyễn Thị Thuý & <các> đồng chí giữ vững cơ sở; lịch sử đảng bộ ghi lại.",
         "Kháng chiến chống thực dân Pháp thắng lợi, hoà bình lập lại năm 1954.",
         "Chi bộ thôn Thạch Cầu họp bàn việc chia ruộng."],
    ),
}


def page_words(text: str) -> list[Word]:
    """Synthetic word boxes: one line, words 100 px apart."""
    return [Word(text=w, left=100 * i, top=50, width=90, height=30, confidence=95.0, line=1)
            for i, w in enumerate(text.split())]


def add_document(archive: Archive, doc_id: str, meta: DocumentMeta, texts: list[str]) -> None:
    archive.catalog.add_document(Document(
        id=doc_id, meta=meta, original_name=f"{doc_id}.pdf", sha256=doc_id.ljust(64, "0"),
        original_path=f"originals/{doc_id}.pdf", media_type="application/pdf", page_count=len(texts),
        status="complete"))
    for page_no, text in enumerate(texts, start=1):
        words = page_words(text)
        archive.save_page(
            Page(doc_id=doc_id, page_no=page_no, text=text, mean_confidence=95.0, word_count=len(words),
                 width=2480, height=3508, dpi=300),
            files={"words.json": words_json(words), "text.txt": text})


def build_archive(home: Path) -> Archive:
    import search_index

    archive = Archive.open(home)
    for doc_id, (meta, texts) in CORPUS.items():
        add_document(archive, doc_id, meta, texts)
        search_index.update_document(archive, doc_id)
    return archive


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOHOA_SEARCH_BACKEND", request.param)
    return request.param


@pytest.fixture
def archive(backend: str, tmp_path: Path) -> Iterator[Archive]:
    archive = build_archive(tmp_path / "archive")
    yield archive
    archive.close()


@pytest.fixture(scope="module", params=BACKENDS)
def shared_archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """One read-only archive per backend for the many query tests (built once, not per test)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOHOA_SEARCH_BACKEND", request.param)
    archive = build_archive(tmp_path_factory.mktemp(f"search-{request.param}"))
    yield archive
    archive.close()
    mp.undo()
