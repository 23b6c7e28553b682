"""The member login: a form that checks the operator's token and sets the member cookie."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.access import COOKIE, COOKIE_DAYS, cookie_value, token_matches
from web.render import render
from web.site import site_of

router = APIRouter(include_in_schema=False)


@router.get("/members", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return render(request, "members.html", {"failed": False})


@router.post("/members", response_class=HTMLResponse)
def login(request: Request, token: str = Form("", max_length=500)) -> Response:
    site = site_of(request)
    if not token_matches(site.member_token, token.strip()):
        return render(request, "members.html", {"failed": True}, status_code=403)
    response = RedirectResponse("/search", status_code=303)
    response.set_cookie(COOKIE, cookie_value(site.member_token), max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


@router.post("/members/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
