"""Re-hash every archived original and report what is missing or altered."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from corpus.archive import Archive, sha256_of


@dataclass(frozen=True)
class Damage:
    doc_id: str
    path: str
    problem: str  # "missing" | "altered"


def _originals(archive: Archive) -> Iterator[tuple[str, str, str]]:
    """(doc_id, stored path, expected sha256) for every original, folder members included."""
    for doc in archive.catalog.documents():
        yield doc.id, doc.original_path, doc.sha256
        for member in archive.stored_members(doc.original_path):
            yield doc.id, member, member.rsplit("/", 1)[-1].split(".", 1)[0]


def verify(archive: Archive, progress: Callable[[], None] | None = None) -> tuple[int, list[Damage]]:
    """Check every original; return how many were checked and the damage found."""
    checked, damage = 0, []
    for doc_id, stored, expected in _originals(archive):
        path = archive.path(stored)
        checked += 1
        if not path.exists():
            damage.append(Damage(doc_id, stored, "missing"))
        elif sha256_of(path) != expected:
            damage.append(Damage(doc_id, stored, "altered"))
        if progress:
            progress()
    return checked, damage
