"""Citations built from the catalog's own place fields: unit types stored and filled at ingest
where the name makes them obvious, the archive named, the access date given; exported as RIS,
BibTeX and CSL-JSON, and shown on the document page."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from corpus.models import Document, DocumentMeta
from sohoa.errors import BadArgsError
from web.citation import Citation
from tests.web_fixtures import web_client

HTML = {"accept": "text/html"}


def _doc(**meta: object) -> Document:
    return Document(id="a1b2c3d4e5f6", meta=DocumentMeta(**meta), original_name="scan.pdf", sha256="0" * 64,  # type: ignore[arg-type]
                    original_path="originals/x.pdf", media_type="application/pdf", page_count=3, status="complete")


@pytest.mark.parametrize(("given", "commune", "district"), [
    (dict(commune="Quảng An", district="Tây Hồ", province="Hà Nội"), ("phường", "Quảng An"), ("quận", "Tây Hồ")),
    (dict(commune="Xã Kim Sơn", district="Gia Lâm", province="Hà Nội"), ("xã", "Kim Sơn"), ("huyện", "Gia Lâm")),
    (dict(commune="Thị trấn Trâu Quỳ", district="Gia Lâm", province="Hà Nội"), ("thị trấn", "Trâu Quỳ"), ("huyện", "Gia Lâm")),
    (dict(commune="Nghĩa Trung", district="Việt Yên", province="Bắc Giang"), ("", "Nghĩa Trung"), ("", "Việt Yên")),
    (dict(commune="Hưng Bình", district="TP Vinh", province="Nghệ An"), ("", "Hưng Bình"), ("thành phố", "Vinh")),
    (dict(commune="Nghĩa Trung", commune_type="xã", district="Việt Yên", district_type="huyện"), ("xã", "Nghĩa Trung"),
     ("huyện", "Việt Yên")),
])
def test_unit_types_are_filled_where_obvious_and_never_guessed(given, commune, district) -> None:  # noqa: ANN001
    meta = DocumentMeta(**given)
    assert (meta.commune_type, meta.commune) == commune and (meta.district_type, meta.district) == district


def test_a_unit_type_outside_the_list_is_refused() -> None:
    with pytest.raises(BadArgsError, match="commune_type 'thôn'"):
        DocumentMeta(commune="Đông", commune_type="thôn")


def test_the_citation_names_the_units_the_archive_and_the_access_date() -> None:
    doc = _doc(title="Lịch sử Đảng bộ phường Quảng An", commune="Quảng An", district="Tây Hồ", province="Hà Nội",
               year=2005, kind="history", collection="Lịch sử đảng bộ", author="Ban Chấp hành Đảng bộ phường Quảng An")
    cite = Citation(doc, "Lưu trữ Quận ủy Tây Hồ", "https://luutru.example.vn/documents/a1b2c3d4e5f6",
                    dt.date(2026, 12, 3), page_no=4)
    assert cite.text() == ("Ban Chấp hành Đảng bộ phường Quảng An, “Lịch sử Đảng bộ phường Quảng An”, phường Quảng An, quận Tây Hồ, Hà Nội, 2005, trang 4. "
                           "Lưu trữ Quận ủy Tây Hồ. https://luutru.example.vn/documents/a1b2c3d4e5f6 "
                           "(truy cập ngày 03/12/2026).")
    ris = cite.ris().split("\r\n")
    assert ris[0] == "TY  - BOOK" and ris[-2] == "ER  - " and "CY  - phường Quảng An, quận Tây Hồ, Hà Nội" in ris
    assert ris[1] == "AU  - Ban Chấp hành Đảng bộ phường Quảng An"
    assert {"AV  - Lưu trữ Quận ủy Tây Hồ", "Y2  - 2026-12-03", "PY  - 2005", "SP  - 4", "LA  - vi"} <= set(ris)
    bib = cite.bibtex()
    assert bib.startswith("@book{lichsudang2005,\n") and bib.endswith("}\n")
    assert dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bib, re.M)) == {
        "author": "{Ban Chấp hành Đảng bộ phường Quảng An}", "title": "Lịch sử Đảng bộ phường Quảng An", "year": "2005", "address": "phường Quảng An, quận Tây Hồ, Hà Nội",
        "series": "Lịch sử đảng bộ", "howpublished": "Lưu trữ Quận ủy Tây Hồ", "pages": "4", "language": "vietnamese",
        "url": "https://luutru.example.vn/documents/a1b2c3d4e5f6", "urldate": "2026-12-03"}
    (csl,) = json.loads(cite.csl_json())
    assert csl["type"] == "book" and csl["issued"] == {"date-parts": [[2005]]} and csl["archive"] == "Lưu trữ Quận ủy Tây Hồ"
    assert csl["author"] == [{"literal": "Ban Chấp hành Đảng bộ phường Quảng An"}]
    assert csl["accessed"] == {"date-parts": [[2026, 12, 3]]} and csl["publisher-place"].startswith("phường Quảng An")


def test_bibtex_makes_tex_characters_literal() -> None:
    cite = Citation(_doc(title="Báo cáo 100% {mật} & số_1"), "Kho", "http://x/y", dt.date(2026, 1, 2))
    assert "title = {Báo cáo 100\\% \\{mật\\} \\& số\\_1}" in cite.bibtex()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Iterator[TestClient]:  # noqa: ANN001
    monkeypatch_module.setenv("SOHOA_ARCHIVE_NAME", "Lưu trữ Quận ủy Long Biên")
    with web_client(tmp_path_factory.mktemp("cite") / "archive") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_document_page_cites_and_exports(client: TestClient) -> None:
    page = client.get("/documents/cukhoi", headers=HTML).text
    today = dt.date.today()
    assert (f"“Lịch sử Đảng bộ xã Cự Khối”, phường Cự Khối, quận Long Biên, Hà Nội, 1985. Lưu trữ Quận ủy Long Biên. "
            f"http://testserver/documents/cukhoi (truy cập ngày {today:%d/%m/%Y}).") in page
    assert 'href="/documents/cukhoi/cite.ris" download' in page
    ris = client.get("/documents/cukhoi/cite.ris?page=2")
    assert ris.headers["content-type"].startswith("application/x-research-info-systems")
    assert 'filename="lich-su-dang-bo-xa-cu-khoi-1985.ris"' in ris.headers["content-disposition"]
    assert "SP  - 2\r\n" in ris.text and "UR  - http://testserver/documents/cukhoi/pages/2\r\n" in ris.text
    assert client.get("/documents/cukhoi/cite.bib").text.startswith("@book{lichsudang1985,")
    assert json.loads(client.get("/documents/cukhoi/cite.json").text)[0]["title"] == "Lịch sử Đảng bộ xã Cự Khối"
    assert client.get("/documents/cukhoi/cite.doc").status_code == 404
    assert client.get("/documents/cukhoi/cite.ris?page=99").status_code == 404
    assert client.get("/documents/gialam/cite.ris").status_code == 404  # internal: no citation without sign-in
