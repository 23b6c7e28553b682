"""What every request shares: the settings, the archive, the open search index, the templates."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

import search_index
from corpus.archive import Archive
from search_index.store import backend_home
from sohoa.settings import Settings
from web.sessions import RateLimit, ServerSecret

HERE = Path(__file__).parent


class IndexHolder:
    """One open search index per process, reopened when `reindex` swaps in a new generation.

    The engines reload their own commits on each search; only a swap (a new CURRENT) needs a reopen.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.current = backend_home(archive.root, archive.settings.search_backend) / "CURRENT"
        self.lock = threading.Lock()
        self.stamp: int | None = None
        self.index: search_index.SearchIndex | None = None

    def get(self) -> search_index.SearchIndex | None:
        try:
            stamp = self.current.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        with self.lock:
            if stamp != self.stamp:
                # The replaced generation stays on disk until the next swap, so a search still
                # running on the old index finishes; it is not closed under that search's feet.
                self.index = search_index.open_index(self.archive)
                self.stamp = stamp
            return self.index

    def search(self, request: search_index.SearchRequest) -> search_index.SearchResults:
        index = self.get()
        if index is None:
            return search_index.search(self.archive, request)  # says "no index yet: run sohoa reindex"
        return index.search(request)


@dataclass
class Site:
    settings: Settings
    member_token: str  # "" when the operator configured no member credential
    archive: Archive = field(init=False)
    index: IndexHolder = field(init=False)
    templates: Jinja2Templates = field(init=False)
    secret: ServerSecret = field(init=False)  # signs sessions; rotated by `sohoa editors rotate-secret`
    signin_failures: RateLimit = field(default_factory=lambda: RateLimit(limit=5, window=300))
    suggestions: RateLimit = field(default_factory=lambda: RateLimit(limit=20, window=3600))
    # bytes one upload may carry ("Nhập tài liệu"); SOHOA_UPLOAD_LIMIT_MB, 500 MB by default
    upload_limit: int = field(default_factory=lambda: int(os.environ.get("SOHOA_UPLOAD_LIMIT_MB") or 500) * 2**20)

    def __post_init__(self) -> None:
        self.archive = Archive(self.settings)
        self.secret = ServerSecret(self.settings.home)
        self.index = IndexHolder(self.archive)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    @property
    def audio_root(self) -> Path:
        return self.settings.home / "audio"

    def close(self) -> None:
        self.archive.close()


def site_of(request: Request) -> Site:
    return request.app.state.site
