"""``audiobook.json``: what `sohoa audiobook` published, typed, written by tts and read by web.

One dataclass, so that a field is added in one place and the web app never reads a misspelt key.
Files written before a field existed still load: a missing field takes its default, an unknown
key (written by a newer sohoa) is ignored.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from sohoa.vietnamese import nfc

FILE = "audiobook.json"
# A bulletin's folder name is its slug and its path on `sohoa serve`: /audio/<slug>/.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")
# The namespace of every bulletin's GUID: the GUID derives from the slug alone, never from the
# host, so setting or moving SOHOA_BASE_URL later does not make podcast apps list episodes twice.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/sohoa/bulletins")


def bulletin_guid(slug: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, slug))


@dataclass(frozen=True)
class ChapterEntry:
    title: str
    start: float
    end: float


@dataclass(frozen=True)
class AudiobookMeta:
    slug: str
    title: str
    file: str  # the audio, beside audiobook.json
    duration: float  # seconds
    captions: str = ""  # WebVTT file name
    series: str = ""
    issue: str = ""
    date: str = ""  # ISO, 2023-02-15
    publisher: str = ""
    owner_email: str = ""  # the feed's itunes:owner
    access: str = "public"  # "internal": members only, left out of the public feed
    source_doc: str = ""
    guid: str = ""  # a UUID derived from the slug (see bulletin_guid)
    cover: str = ""  # square cover image file name
    chapters_file: str = ""  # podcast:chapters JSON file name
    bytes: int = 0
    lufs: float = 0.0
    true_peak: float = 0.0
    engine: str = ""
    engines: dict[str, int] = field(default_factory=dict)
    fallback_segments: list[int] = field(default_factory=list)
    segments: int = 0
    chapters: list[ChapterEntry] = field(default_factory=list)
    created: str = ""  # ISO timestamp, UTC

    @property
    def id(self) -> str:
        return self.guid or bulletin_guid(self.slug)

    @property
    def internal(self) -> bool:
        return self.access == "internal"

    @property
    def display_date(self) -> str:
        """dd/mm/yyyy, as Vietnamese readers write dates ("" when unknown)."""
        return display_date(self.date)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> AudiobookMeta:
        known = {f.name for f in fields(cls)}
        values = {k: nfc(v) if isinstance(v, str) else v for k, v in data.items() if k in known}
        values["chapters"] = [ChapterEntry(nfc(str(c["title"])), float(c["start"]), float(c["end"]))
                              for c in data.get("chapters") or []]
        return cls(**values)

    @classmethod
    def read(cls, folder: Path) -> AudiobookMeta:
        """The bulletin in ``folder``; ValueError/OSError/KeyError/TypeError when it is not one."""
        data = json.loads((folder / FILE).read_text("utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{folder / FILE}: not an object")
        return cls.from_dict({**data, "slug": folder.name})  # the folder is the address: /audio/<slug>/


def display_date(iso: str) -> str:
    year, _, rest = iso.partition("-")
    month, _, day = rest.partition("-")
    if len(year) == 4 and month.isdigit() and day[:2].isdigit():
        return f"{day[:2]}/{month}/{year}"
    return iso
