"""Segment audio cached by a hash of (engine, voice, read-aloud text, engine settings).

A bulletin run again, or a run killed midway, finds every finished segment here and synthesises
only the missing ones. Entries are written under a temporary name and renamed: a killed run
never leaves half a clip behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def segment_key(engine: str, voice: str, text: str, settings: dict[str, Any]) -> str:
    blob = json.dumps({"engine": engine, "voice": voice, "text": text, "settings": settings},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class SegmentCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None

    def reserve(self, key: str) -> Path:
        """A temporary file next to the entry; :meth:`commit` renames it into place."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".wav", dir=final.parent)
        os.close(fd)
        return Path(tmp)

    def commit(self, key: str, tmp: Path) -> Path:
        final = self.path(key)
        os.replace(tmp, final)
        return final
