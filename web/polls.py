"""Polls under the player, answered on a phone: the page's form, the JSON API, the voter cookie.

Anyone who may see the bulletin may answer; a poll of an internal bulletin is internal too.
A browser is one voter: a random id in a cookie (nothing personal), so a second answer replaces
the first. Results with bars are shown to signed-in members.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from corpus.polls import Poll, PollStore
from sohoa.errors import BadArgsError
from web import bulletins as store
from web.access import is_member
from web.site import Site, site_of

router = APIRouter()
VOTER_COOKIE = "sohoa_voter"
VOTER_DAYS = 400
NO_CHOICE = "Hãy chọn một trong các lựa chọn của phiếu thăm dò"


def polls_of(site: Site) -> PollStore:
    return PollStore(site.archive.catalog.engine)


def voter_of(request: Request) -> str | None:
    value = request.cookies.get(VOTER_COOKIE, "")
    return value if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum() else None


def keep_voter(request: Request, response: Response, voter: str) -> None:
    response.set_cookie(VOTER_COOKIE, voter, max_age=VOTER_DAYS * 86400, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def page_polls(request: Request, slug: str) -> list[dict[str, Any]]:
    """The bulletin's polls for its page, each with this browser's answer as ``mine``."""
    site = site_of(request)
    voter = voter_of(request)
    mine = polls_of(site).answers_of(slug, voter) if voter else {}
    return [{**p.as_dict(), "mine": mine.get(p.id)} for p in polls_of(site).polls(slug)]


def _choice(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise BadArgsError(NO_CHOICE)
    return int(value)


def _answer(request: Request, slug: str, poll_id: int, choice: Any) -> tuple[Poll, str]:
    site = site_of(request)
    store.bulletin(site, slug, is_member(request))  # internal bulletins: members only
    voter = voter_of(request) or secrets.token_urlsafe(18)
    return polls_of(site).answer(slug, poll_id, voter, _choice(choice)), voter


@router.get("/api/bulletins/{slug}/polls", summary="Phiếu thăm dò của bản tin, với số ý kiến")
def api_polls(request: Request, slug: str) -> list[dict[str, Any]]:
    store.bulletin(site_of(request), slug, is_member(request))
    return [p.as_dict() for p in polls_of(site_of(request)).polls(slug)]


@router.post("/api/bulletins/{slug}/polls/{poll_id}",
             summary='Trả lời phiếu thăm dò: {"choice": CHOICE_ID}; trả lời lại thì thay câu trả lời trước')
async def api_answer(request: Request, slug: str, poll_id: int) -> Response:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = {}
    poll, voter = _answer(request, slug, poll_id, body.get("choice") if isinstance(body, dict) else None)
    response = Response(json.dumps(poll.as_dict(), ensure_ascii=False), media_type="application/json")
    keep_voter(request, response, voter)
    return response


@router.post("/audio/{slug}/polls/{poll_id}", include_in_schema=False)
async def form_answer(request: Request, slug: str, poll_id: int) -> Response:
    """The same answer from the page's form, for a browser without JavaScript; back to the poll."""
    form = await request.form()
    _, voter = _answer(request, slug, poll_id, form.get("choice"))
    response = RedirectResponse(f"/audio/{slug}/#poll-{poll_id}", status_code=303)
    keep_voter(request, response, voter)
    return response
