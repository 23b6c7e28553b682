"""The records the archive keeps: documents, pages and the words on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from corpus.places import COMMUNE_TYPES, DISTRICT_TYPES, commune_type_within, district_type, place_names, split_unit
from sohoa.errors import BadArgsError
from sohoa.vietnamese import nfc

KINDS = ("history", "bulletin", "resolution", "other")
ACCESS_LEVELS = ("public", "internal")
EARLIEST_YEAR = 1900  # party records start in 1930; older years are typing mistakes


def _meta_field(default: object, *, filter: bool = False, key: bool = False, facet: bool = False,
                indexed: bool = True) -> Any:
    """A DocumentMeta field and what search does with it: ``filter``, a reader may narrow a search
    by it (``district:"Long Biên"``, ``--district``); ``key``, it is indexed as a folded key without
    being a reader's filter; ``facet``, results count documents by its values; ``indexed=False``,
    the catalog's alone (search hits do not carry it, so adding one leaves built indexes valid)."""
    return field(default=default, metadata={"key": filter or key, "filter": filter, "facet": facet, "indexed": indexed})


@dataclass(frozen=True)
class DocumentMeta:
    """What an archivist says about a document (flags or a manifest row).

    The one list of metadata fields: the catalog's columns, the manifest's, the index's stored
    fields, filters and facets all derive from it (META_FIELDS and the tuples after the class).
    """

    title: str = ""
    commune: str = _meta_field("", filter=True, facet=True)
    district: str = _meta_field("", filter=True, facet=True)
    province: str = _meta_field("", filter=True)
    year: int | None = _meta_field(None, facet=True)
    kind: str = _meta_field("other", filter=True, facet=True)
    collection: str = _meta_field("", filter=True)
    access: str = _meta_field("public", key=True)  # never a reader's filter: only members see "internal"
    # For citations, the PDF's Info and Dublin Core:
    author: str = _meta_field("", indexed=False)  # the party committee or office that wrote or issued it
    commune_type: str = _meta_field("", indexed=False)  # xã | phường | thị trấn; "" when not known (corpus.places)
    district_type: str = _meta_field("", indexed=False)  # huyện | quận | thị xã | thành phố; "" when not known

    def __post_init__(self) -> None:
        for name in TEXT_FIELDS:
            object.__setattr__(self, name, nfc(getattr(self, name) or "").strip())
        self._fill_unit_types()
        if self.kind not in KINDS:
            raise BadArgsError(f"kind '{self.kind}' is not one of {', '.join(KINDS)}")
        if self.access not in ACCESS_LEVELS:
            raise BadArgsError(f"access '{self.access}' is not one of {', '.join(ACCESS_LEVELS)}")
        if self.year is not None and not EARLIEST_YEAR <= self.year <= dt.date.today().year:
            raise BadArgsError(f"year {self.year} is impossible (expected {EARLIEST_YEAR}–{dt.date.today().year})")

    def _fill_unit_types(self) -> None:
        """Unit types from the names where they are obvious ("Phường Cửa Nam"; Tây Hồ is a quận of
        Hà Nội), the names kept bare; a type given is checked, never overridden."""
        for name, type_field, types in (("commune", "commune_type", COMMUNE_TYPES),
                                        ("district", "district_type", DISTRICT_TYPES)):
            given = nfc(getattr(self, type_field) or "").strip().lower()
            if given and given not in types:
                raise BadArgsError(f"{type_field} '{given}' is not one of {', '.join(types)}")
            found, bare = split_unit(getattr(self, name), types)
            object.__setattr__(self, name, bare)
            object.__setattr__(self, type_field, given or found)
        if not self.district_type:
            object.__setattr__(self, "district_type", district_type(self.district, self.province))
        if not self.commune_type and self.commune:
            object.__setattr__(self, "commune_type", commune_type_within(self.district_type))

    @classmethod
    def parse(cls, **values: str | int | None) -> "DocumentMeta":
        """Build from loose strings (CLI flags, CSV cells); blank values take the defaults."""
        clean: dict[str, object] = {}
        for key, value in values.items():
            if key not in META_FIELDS or value is None or (isinstance(value, str) and not value.strip()):
                continue
            if key == "year":
                try:
                    clean[key] = int(str(value).strip())
                except ValueError:
                    raise BadArgsError(f"year '{value}' is not a number") from None
            else:
                clean[key] = str(value).strip()
        return cls(**clean)  # type: ignore[arg-type]

    @property
    def places(self) -> list[str]:
        """["phường Cự Khối", "quận Long Biên", "Hà Nội"]: each place with its unit type where known."""
        return place_names(self.commune, self.commune_type, self.district, self.district_type, self.province)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def updated(self, other: "DocumentMeta", fields_given: frozenset[str]) -> "DocumentMeta":
        """These metadata with the fields an archivist gave again taken from ``other``."""
        return replace(self, **{name: getattr(other, name) for name in fields_given})


META_FIELDS = tuple(f.name for f in fields(DocumentMeta))
TEXT_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.type == "str")  # NFC, stripped; stored as text
HIT_FIELDS = tuple(name for name in TEXT_FIELDS if DocumentMeta.__dataclass_fields__[name].metadata.get("indexed", True))
KEYED_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.metadata.get("key"))
FILTER_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.metadata.get("filter"))
FACET_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.metadata.get("facet"))


def given_fields(values: dict[str, object]) -> frozenset[str]:
    """The metadata fields that carry a value (flags given, manifest cells filled)."""
    return frozenset(k for k, v in values.items() if k in META_FIELDS and v is not None and str(v).strip())


@dataclass(frozen=True)
class Word:
    """One recognised word, its box in page-image pixels and Tesseract's confidence (0–100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: int = 0  # running line number on the page, for reading order and snippets


@dataclass
class Page:
    doc_id: str
    page_no: int  # 1-based
    text: str
    mean_confidence: float | None
    word_count: int
    width: int
    height: int
    dpi: int
    blank: bool = False
    needs_review: bool = False
    quality: dict[str, object] = field(default_factory=dict)  # scores behind needs_review
    steps: list[dict[str, object]] = field(default_factory=list)  # preprocessing done, in order
    files: dict[str, str] = field(default_factory=dict)  # kind → path relative to the archive


@dataclass
class Document:
    id: str
    meta: DocumentMeta
    original_name: str
    sha256: str
    original_path: str  # relative to the archive
    media_type: str
    page_count: int
    status: str  # registered | complete | failed
    pages_done: int = 0
    pages_review: int = 0
    mean_confidence: float | None = None
    created_at: str = ""
    updated_at: str = ""
