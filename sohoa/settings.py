"""Where sohoa keeps things and how it runs, from the environment with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sohoa.vietnamese import nfc


@dataclass(frozen=True)
class Settings:
    home: Path  # the archive folder: catalog, originals, derived files, index
    database_url: str  # SQLite inside the archive unless SOHOA_DATABASE_URL says otherwise
    search_backend: str  # "whoosh" (default) or "tantivy"
    jobs: int  # pages processed at once
    base_url: str  # where published pages and audio are reachable (QR codes, feeds)
    archive_name: str = "Kho lưu trữ số hóa sohoa"  # the holding archive, as citations name it

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> "Settings":
        root = Path(home or os.environ.get("SOHOA_HOME") or "sohoa-archive").expanduser().absolute()
        return cls(
            home=root,
            database_url=os.environ.get("SOHOA_DATABASE_URL") or f"sqlite:///{root / 'catalog.sqlite'}",
            search_backend=os.environ.get("SOHOA_SEARCH_BACKEND", "whoosh"),
            jobs=int(os.environ.get("SOHOA_JOBS") or os.cpu_count() or 1),
            base_url=os.environ.get("SOHOA_BASE_URL", "http://localhost:8000").rstrip("/"),
            archive_name=nfc(os.environ.get("SOHOA_ARCHIVE_NAME", "")).strip() or cls.archive_name,
        )
