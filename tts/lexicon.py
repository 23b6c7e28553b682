"""The editable word lists behind read-aloud normalisation (``tts/data/*.tsv``).

An editor extends them without touching code: edit the packaged files, or put files of the same
names in ``<archive>/tts/`` (their lines override the packaged ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sohoa.errors import InputFileError
from sohoa.vietnamese import nfc

FILES = ("abbreviations.tsv", "document_types.tsv", "issuers.tsv")


def read_tsv(text: str, origin: str) -> dict[str, str]:
    """Lines "CODE<TAB>reading"; "#" starts a comment. A line without a tab is an error."""
    table: dict[str, str] = {}
    for number, line in enumerate(nfc(text).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        code, sep, reading = line.partition("\t")
        if not sep or not code.strip() or not reading.strip():
            raise InputFileError(f"{origin}:{number}: cần 'VIẾT TẮT<TAB>cách đọc' / expected CODE<TAB>reading")
        table[code.strip()] = reading.strip()
    return table


@dataclass
class Lexicon:
    abbreviations: dict[str, str] = field(default_factory=dict)
    document_types: dict[str, str] = field(default_factory=dict)
    issuers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, override_dir: Path | None = None) -> "Lexicon":
        tables = []
        for name in FILES:
            table = read_tsv(resources.files("tts.data").joinpath(name).read_text("utf-8"), name)
            extra = override_dir / name if override_dir else None
            if extra and extra.is_file():
                table.update(read_tsv(extra.read_text("utf-8"), str(extra)))
            tables.append(table)
        return cls(*tables)

    def abbreviation_pattern(self) -> re.Pattern[str]:
        # Longest first, so "TP.HCM" wins over "TP"; whole tokens only.
        alternatives = "|".join(re.escape(a) for a in sorted(self.abbreviations, key=len, reverse=True))
        return re.compile(rf"(?<![\w.])(?:{alternatives})(?!\w)")

    def issuer(self, code: str, context: str) -> str | None:
        """The issuing body; of alternatives ("Tỉnh ủy|Thành ủy") the first that ``context`` names."""
        reading = self.issuers.get(code)
        if reading is None:
            return None
        options = reading.split("|")
        lowered = context.lower()
        return next((o for o in options if o.lower() in lowered), options[0])
