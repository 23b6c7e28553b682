"""Where sohoa keeps things and how it runs, from the environment with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CATALOG_FILE = "catalog.sqlite"  # the archive's own catalog, inside its folder


@dataclass(frozen=True)
class Settings:
    home: Path  # the archive folder: catalog, originals, derived files, index
    database_url: str  # SQLite inside the archive unless SOHOA_DATABASE_URL says otherwise
    search_backend: str  # "whoosh" (default) or "tantivy"
    jobs: int  # pages processed at once
    # The public address of `sohoa serve` (QR codes, feeds, citations); "" when unset: the web app
    # then answers with each request's own address and `sohoa audiobook` refuses to publish.
    base_url: str

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> "Settings":
        root = Path(home or os.environ.get("SOHOA_HOME") or "sohoa-archive").expanduser().absolute()
        return cls(
            home=root,
            database_url=os.environ.get("SOHOA_DATABASE_URL") or f"sqlite:///{root / CATALOG_FILE}",
            search_backend=os.environ.get("SOHOA_SEARCH_BACKEND", "whoosh"),
            jobs=int(os.environ.get("SOHOA_JOBS") or os.cpu_count() or 1),
            base_url=os.environ.get("SOHOA_BASE_URL", "").strip().rstrip("/"),
        )

    @property
    def catalog_file(self) -> Path:
        return self.home / CATALOG_FILE

    @property
    def local_catalog(self) -> bool:
        """Whether the catalog is the archive's own SQLite file (not a server database)."""
        return self.database_url == f"sqlite:///{self.catalog_file}"
