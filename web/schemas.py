"""What the JSON API takes and returns, as types, so that /openapi.json describes what it does.

The document model is built from the catalog's own record (``corpus.models.DocumentMeta``), so
a field added there appears here too; the closed vocabularies are enums.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import fields
from enum import Enum

from pydantic import BaseModel, create_model

from corpus.models import ACCESS_LEVELS, EARLIEST_YEAR, KINDS, DocumentMeta
from search_index.models import SORTS

Kind = Enum("Kind", {k: k for k in KINDS}, type=str)  # type: ignore[misc]
Access = Enum("Access", {a: a for a in ACCESS_LEVELS}, type=str)  # type: ignore[misc]
Sort = Enum("Sort", {s.replace("-", "newest_") if s.startswith("-") else s: s for s in SORTS}, type=str)  # type: ignore[misc]
LATEST_YEAR = dt.date.today().year
YEARS = {"ge": EARLIEST_YEAR, "le": LATEST_YEAR}


class ErrorBody(BaseModel):
    """Every error: one line (Vietnamese / English) and the HTTP status."""

    error: str
    status: int


ERRORS: dict[int | str, dict[str, typing.Any]] = {
    400: {"model": ErrorBody, "description": "Tham số sai / a parameter is invalid"},
    404: {"model": ErrorBody, "description": "Không có / not found (or internal, without the member credential)"},
}

_META_TYPES = typing.get_type_hints(DocumentMeta)
_OVERRIDES = {"kind": Kind, "access": Access}
DocumentFields = create_model(  # type: ignore[call-overload]
    "DocumentFields", **{f.name: (_OVERRIDES.get(f.name, _META_TYPES[f.name]), ...) for f in fields(DocumentMeta)})


class DocumentSummary(DocumentFields):  # type: ignore[misc, valid-type]
    id: str
    page_count: int
    pages_done: int
    status: str
    mean_confidence: float | None
    url: str
    text_url: str
    pdf_url: str | None


class DocumentList(BaseModel):
    total: int
    documents: list[DocumentSummary]


class PageRef(BaseModel):
    page_no: int
    mean_confidence: float | None
    needs_review: bool
    url: str


class DocumentDetail(DocumentSummary):
    pages: list[PageRef]
