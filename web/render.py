"""Rendering a template with what every page needs (member status, labels, helpers)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from web.access import editor_of, is_member
from web.bulletins import clock
from web.params import KIND_LABELS, SORT_LABELS
from web.site import site_of

HELPERS = {"kind_labels": KIND_LABELS, "sort_labels": SORT_LABELS, "clock": clock}


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    site = site_of(request)
    values = {**HELPERS, "member": is_member(request), "editor": editor_of(request), "members_enabled": bool(site.member_token),
              "path": request.url.path, **context}
    return site.templates.TemplateResponse(request, name, values, status_code=status_code)
