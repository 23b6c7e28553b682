"""The corpus: the archive of originals, derived page files and the catalog (the source of truth)."""

from corpus.archive import Archive
from corpus.models import Document, DocumentMeta, Page, Word

__all__ = ["Archive", "Document", "DocumentMeta", "Page", "Word"]
