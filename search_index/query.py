"""The query language, parsed leniently into a small tree that each backend compiles.

    lịch sử đảng bộ          words: every one must occur (AND)
    "lịch sử đảng bộ"        phrase: adjacent syllables (also Đảng-bộ, a hyphenated word)
    hợp tác xã OR nông trường   either side
    NOT chiến tranh, -mỹ      exclude
    district:"Long Biên"     field filters: district commune province kind collection doc year
    year:1975..1985          year range (also year:1975, year:..1954, year:1975..)
    khang~                   fuzzy: one wrong letter allowed (words of 4+ letters)
    ( … )                    grouping

Nearly nothing raises: an unknown field is searched as words, an unbalanced quote ends at the end of the
query, stray operators are dropped; each such repair adds a one-line note for the user. Only a
query no person types is refused (QueryTooComplexError, a BadArgsError: HTTP 400, CLI exit 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from corpus.models import FILTER_FIELDS as DOCUMENT_FILTERS
from search_index.analysis import analyze, syllables
from sohoa.errors import BadArgsError
from sohoa.vietnamese import has_diacritics, nfc

FILTER_FIELDS = (*DOCUMENT_FILTERS, "doc")
MAX_LENGTH = 2000  # characters; longer queries are cut (a pasted page is not a query)
MAX_CLAUSES = 64
MAX_DEPTH = 16


FUZZY_MIN = 4  # letters a word needs before `~` (or fuzzy=True) lets one letter differ


@dataclass(frozen=True)
class Words:
    """One syllable, or several that must stand next to each other (a phrase)."""

    terms: tuple[str, ...]  # exact index terms (canonical tones, lowercase)
    fuzzy: bool = False


@dataclass(frozen=True)
class Filter:
    field: str  # one of FILTER_FIELDS; value compared as a folded key ("long bien")
    value: str


@dataclass(frozen=True)
class YearRange:
    low: int | None
    high: int | None


def year_range(value: str) -> YearRange | None:
    """'1975..1985', '1975-1985', '1975–1985', '1975', '..1954', '1975..' as a range; None when
    ``value`` is none of them. The query's ``year:`` and the CLI's ``--year`` both read years so."""
    match = _YEARS.match(value)
    if not match or not (match.group(1) or match.group(3)):
        return None
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else (None if match.group(2) else low)
    return YearRange(low, high)


@dataclass(frozen=True)
class AllOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    part: "Node"


Node = Words | Filter | YearRange | AllOf | AnyOf | Not


@dataclass
class ParsedQuery:
    root: Node | None  # None: nothing to search for
    exact: bool  # the words carry diacritics: search the exact field (boosted) and the folded one
    notes: list[str] = field(default_factory=list)


def place_key(value: str) -> str:
    """How place names and other filter values compare: folded syllables ("Long Biên" → "long bien")."""
    return " ".join(analyze(value).folded)


_TOKEN = re.compile(
    r'\s*(?:(?P<lpar>\()|(?P<rpar>\))|(?P<quote>"(?P<phrase>[^"]*)"?)'
    r'|(?P<field>[^\W\d_]+):(?:"(?P<fquoted>[^"]*)"?|(?P<fvalue>[^\s()"]*))'
    r'|(?P<word>[^\s()"]+))'
)
_YEARS = re.compile(r"^\s*(\d{4})?\s*(\.\.|-|–)?\s*(\d{4})?\s*$")


def _clean(text: str) -> str:
    text = nfc(text)[:MAX_LENGTH]
    text = text.replace("“", '"').replace("”", '"').replace("„", '"')
    # Control and format characters (tabs, NULs, zero-width joiners) separate words.
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


class QueryTooComplexError(BadArgsError):
    """A query no person types (a run of negations past MAX_DEPTH): refused, not repaired."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.notes: list[str] = []
        self.tokens: list[tuple[str, str, str]] = []  # (kind, value, extra)
        self.word_text: list[str] = []
        self.clauses = 0
        for m in _TOKEN.finditer(text):
            if m.group("lpar"):
                self.tokens.append(("(", "", ""))
            elif m.group("rpar"):
                self.tokens.append((")", "", ""))
            elif m.group("quote") is not None:
                if not m.group("quote").endswith('"') or m.group("quote") == '"':
                    self.notes.append("dấu ngoặc kép chưa đóng / unclosed quote: closed at the end")
                self.tokens.append(("phrase", m.group("phrase") or "", ""))
            elif m.group("field"):
                value = m.group("fquoted") if m.group("fquoted") is not None else m.group("fvalue")
                self.tokens.append(("field", m.group("field").lower(), value or ""))
            elif m.group("word"):
                self.tokens.append(("word", m.group("word"), ""))
        self.pos = 0

    def peek(self) -> tuple[str, str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str, str]:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def is_op(self, name: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1] in {"OR": ("OR", "|", "||"),
                                                                    "AND": ("AND", "&", "&&"),
                                                                    "NOT": ("NOT", "!")}[name]

    def parse_or(self, depth: int) -> Node | None:
        parts = [self.parse_and(depth)]
        while self.is_op("OR"):
            self.take()
            parts.append(self.parse_and(depth))
        kept = tuple(p for p in parts if p is not None)
        if len(parts) > 1 and len(kept) < len(parts):
            self.notes.append("OR thiếu vế / OR without a side: ignored")
        return kept[0] if len(kept) == 1 else (AnyOf(kept) if kept else None)

    def parse_and(self, depth: int) -> Node | None:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok[0] != ")" and not self.is_op("OR"):
            if self.is_op("AND"):
                self.take()
                continue
            node = self.parse_unary(depth)
            if node is not None:
                parts.append(node)
        return parts[0] if len(parts) == 1 else (AllOf(tuple(parts)) if parts else None)

    def parse_unary(self, depth: int) -> Node | None:
        # Negations are counted in a loop, not by recursion: "-" × 1000 must not reach Python's stack limit.
        negations = 0
        while (tok := self.peek()) is not None:
            if self.is_op("NOT"):
                self.take()
            elif tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
                self.tokens[self.pos] = ("word", tok[1][1:], "")
            else:
                break
            negations += 1
            if negations > MAX_DEPTH:
                raise QueryTooComplexError(
                    f"câu truy vấn có quá nhiều phủ định liền nhau / more than {MAX_DEPTH} NOT or '-' in a row")
        if negations:
            if self.peek() is None or self.peek()[0] == ")" or self.is_op("OR"):
                self.notes.append("NOT thiếu từ / NOT without a word: ignored")
                return None
            inner = self.parse_atom(depth)
            return Not(inner) if inner is not None and negations % 2 else inner
        return self.parse_atom(depth)

    def parse_atom(self, depth: int) -> Node | None:
        kind, value, extra = self.take()
        if kind == "(":
            if depth >= MAX_DEPTH:
                return None
            inner = self.parse_or(depth + 1)
            if self.peek() is not None and self.peek()[0] == ")":
                self.take()
            else:
                self.notes.append("ngoặc chưa đóng / unclosed parenthesis: closed at the end")
            return inner
        if kind == ")":
            self.notes.append("ngoặc đóng thừa / stray ')': ignored")
            return None
        if kind == "field":
            return self.field(value, extra)
        fuzzy = kind == "word" and value.endswith("~")
        return self.words(value.rstrip("~") if fuzzy else value, fuzzy)

    def words(self, text: str, fuzzy: bool = False) -> Node | None:
        terms = tuple(syllables(text))
        if not terms:
            return None
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            if self.clauses == MAX_CLAUSES + 1:
                self.notes.append(f"câu truy vấn quá dài / query too long: only its first {MAX_CLAUSES} terms are used")
            return None
        self.word_text.append(text)
        return Words(terms, fuzzy)

    def field(self, name: str, value: str) -> Node | None:
        if name == "year":
            years = year_range(value)
            if years:
                return years
            self.notes.append(f"year:{value} không phải năm / is not a year or range like 1975..1985: ignored")
            return None
        if name in FILTER_FIELDS:
            key = value.strip() if name == "doc" else place_key(value)
            if not key:
                self.notes.append(f"{name}: thiếu giá trị / has no value: ignored")
                return None
            return Filter(name, key)
        self.notes.append(f"không có trường / no field '{name}': searched as words")
        return self.words(f"{name} {value}")


def parse(text: str) -> ParsedQuery:
    parser = _Parser(_clean(text))
    if len(text) > MAX_LENGTH:
        parser.notes.append(f"câu truy vấn quá dài / query longer than {MAX_LENGTH} characters: cut")
    root = parser.parse_or(0)
    while parser.peek() is not None:  # stray ')' at top level: skip it and go on
        parser.take()
        parser.notes.append("ngoặc đóng thừa / stray ')': ignored")
        more = parser.parse_or(0)
        if more is not None:
            root = more if root is None else AllOf((root, more))
    exact = any(has_diacritics(w) for w in parser.word_text)
    return ParsedQuery(root, exact, list(dict.fromkeys(parser.notes)))
