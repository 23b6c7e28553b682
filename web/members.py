"""Sign-in for members (the shared code) and editors (name and code), and sign-out.

Failed attempts are throttled per client and logged; the form returns to ``next`` (a path on this
site only) after a successful sign-in.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corpus.editors import check_editor
from web.access import member_fingerprint, token_matches
from web.render import render
from web.sessions import COOKIE, LIFETIME, issue, local_path, log
from web.site import site_of

router = APIRouter(include_in_schema=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/members", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> Response:  # noqa: A002 (the parameter's public name)
    return render(request, "members.html", {"failed": False, "next": local_path(next, "")})


@router.post("/members", response_class=HTMLResponse)
def login(request: Request, token: str = Form("", max_length=500), name: str = Form("", max_length=64),
          next: str = Form("", max_length=2000)) -> Response:  # noqa: A002
    site, client = site_of(request), _client(request)
    context = {"failed": True, "next": local_path(next, ""), "name": name}
    if wait := site.signin_failures.wait(client):
        log.warning("sign-in refused: %s is throttled for %d s", client, wait)
        return render(request, "members.html", {**context, "wait": wait}, status_code=429)
    name = name.strip().lower()
    if name:
        role, ok = "editor", check_editor(site.archive.catalog, name, token.strip())
    else:
        role, ok, name = "member", token_matches(site.member_token, token.strip()), member_fingerprint(site.member_token)
    if not ok:
        site.signin_failures.record(client)
        log.warning("failed %s sign-in from %s", role, client)
        return render(request, "members.html", context, status_code=403)
    site.signin_failures.clear(client)
    response = RedirectResponse(local_path(next, "/review" if role == "editor" else "/search"), status_code=303)
    response.set_cookie(COOKIE, issue(site.secret.get(), role, name), max_age=LIFETIME[role], httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


@router.post("/members/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
