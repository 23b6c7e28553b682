"""The web app: search and read the archive, listen to bulletins (FastAPI, server-rendered pages)."""

from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
