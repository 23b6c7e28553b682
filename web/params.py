"""Query parameters as the search form sends them (blank fields included) → a SearchRequest.

Parsing by hand rather than with typed FastAPI parameters: a form submits ``year_from=`` when the
box is empty, and a bad value must come back as a one-line Vietnamese message, not a 422 dump.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from corpus.models import EARLIEST_YEAR, KINDS
from search_index import SearchRequest
from search_index.models import SORTS
from sohoa.errors import BadArgsError
from sohoa.vietnamese import nfc

PAGE_SIZE = 10
MAX_PAGE = 1000
MAX_TEXT = 200  # characters in a filter value
KIND_LABELS = {"history": "Lịch sử", "bulletin": "Bản tin", "resolution": "Nghị quyết", "other": "Khác"}
SORT_LABELS = {"relevance": "Phù hợp nhất", "-year": "Mới nhất", "year": "Cũ nhất"}


# What a listener or reader calls each parameter: messages name the field, never the code's name.
FIELD_LABELS = {"q": "Từ khóa", "district": "Huyện", "commune": "Xã", "kind": "Loại tài liệu",
                "year_from": "Từ năm", "year_to": "Đến năm", "sort": "Cách sắp xếp", "page": "Trang",
                "limit": "Số kết quả mỗi trang", "offset": "Vị trí bắt đầu", "page_no": "Số trang",
                "choice": "Lựa chọn", "poll_id": "Số phiếu thăm dò", "token": "Mã thành viên",
                # browsing (web/browse.py)
                "province": "Tỉnh", "year": "Năm", "decade": "Thập niên", "collection": "Bộ sưu tập"}


def label(name: str) -> str:
    return FIELD_LABELS.get(name, "Một giá trị trong yêu cầu")


def text_param(value: str | None, name: str) -> str | None:
    value = nfc(value or "").strip()
    if len(value) > MAX_TEXT:
        raise BadArgsError(f"{label(name)} quá dài (tối đa {MAX_TEXT} ký tự)")
    return value or None


def int_param(value: str | None, name: str, low: int, high: int) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadArgsError(f"{label(name)} phải là một số, không phải '{value[:20]}'") from None
    if not low <= number <= high:
        raise BadArgsError(f"{label(name)} phải từ {low} đến {high}")
    return number


@dataclass(frozen=True)
class SearchForm:
    """The search form's fields, validated; ``request()`` turns them into a SearchRequest."""

    q: str = ""
    district: str | None = None
    commune: str | None = None
    kind: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    fuzzy: bool = False

    @classmethod
    def parse(cls, params: dict[str, str]) -> "SearchForm":
        this_year = dt.date.today().year
        kind = text_param(params.get("kind"), "kind")
        if kind and kind not in KINDS:
            raise BadArgsError(f"Loại tài liệu '{kind[:20]}' không có; chọn một trong: {', '.join(KINDS)}")
        sort = (params.get("sort") or "relevance").strip()
        if sort not in SORTS:
            raise BadArgsError(f"Cách sắp xếp '{sort[:20]}' không có; chọn một trong: {', '.join(SORTS)}")
        q = nfc(params.get("q") or "").strip()
        form = cls(
            q=q, district=text_param(params.get("district"), "district"),
            commune=text_param(params.get("commune"), "commune"), kind=kind,
            year_from=int_param(params.get("year_from"), "year_from", EARLIEST_YEAR, this_year),
            year_to=int_param(params.get("year_to"), "year_to", EARLIEST_YEAR, this_year),
            sort=sort, page=int_param(params.get("page"), "page", 1, MAX_PAGE) or 1,
            fuzzy=(params.get("fuzzy") or "") in ("1", "on", "true"),
        )
        if form.year_from and form.year_to and form.year_from > form.year_to:  # 1972 to 1960 means 1960–1972
            form = replace(form, year_from=form.year_to, year_to=form.year_from)
        return form

    @property
    def empty(self) -> bool:
        return not (self.q or self.district or self.commune or self.kind or self.year_from or self.year_to)

    def request(self, member: bool, **overrides: object) -> SearchRequest:
        values: dict[str, object] = dict(
            query=self.q, district=self.district, commune=self.commune, kind=self.kind,
            year_from=self.year_from, year_to=self.year_to, sort=self.sort, fuzzy=self.fuzzy,
            offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE, include_internal=member,
            with_boxes=False,  # the result list shows snippets; boxes are drawn on the page viewer
        )
        values.update(overrides)
        return SearchRequest(**values)  # type: ignore[arg-type]

    def link(self, **changes: object) -> str:
        """This search's URL with some fields changed (facet links, pagination); blanks dropped."""
        fields = {"q": self.q, "district": self.district, "commune": self.commune, "kind": self.kind,
                  "year_from": self.year_from, "year_to": self.year_to, "sort": self.sort,
                  "fuzzy": "1" if self.fuzzy else None, "page": self.page}
        fields.update(changes)
        if "page" not in changes:
            fields["page"] = None  # a new filter starts again at the first page
        if fields.get("sort") == "relevance":
            fields["sort"] = None
        return "/search?" + urlencode({k: v for k, v in fields.items()
                                       if v not in (None, "") and not (k == "page" and v == 1)})
