"""Who may see `internal` documents and who may correct pages.

Members share one code (``SOHOA_MEMBER_TOKEN``): a program sends it as ``Authorization: Bearer
<token>``; a browser signs in once through a form and then carries a signed session cookie
(``web.sessions``: it expires, and rotating the server secret revokes it). Editors are named
accounts in the catalog (``sohoa editors add``); an editor sees what members see, and every
correction records the editor's name. A session of an editor who has been removed is void.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from corpus.editors import is_editor
from web.sessions import COOKIE, Session, read
from web.site import site_of


def token_matches(token: str, offered: str) -> bool:
    return bool(token) and hmac.compare_digest(token.encode("utf-8"), offered.encode("utf-8"))


def member_fingerprint(token: str) -> str:
    """Put in a member's session, so that a new member code also ends the old code's sessions."""
    return hashlib.sha256(b"sohoa member " + token.encode("utf-8")).hexdigest()[:16]


def session_of(request: Request) -> Session | None:
    if not hasattr(request.state, "session"):
        cookie = request.cookies.get(COOKIE, "")
        request.state.session = read(site_of(request).secret.get(), cookie) if cookie else None
    return request.state.session


def editor_of(request: Request) -> str | None:
    """The signed-in editor's name, or None."""
    session = session_of(request)
    if session is None or session.role != "editor":
        return None
    if not hasattr(request.state, "editor"):
        request.state.editor = session.name if is_editor(site_of(request).archive.catalog, session.name) else None
    return request.state.editor


def is_member(request: Request) -> bool:
    """True for a member (bearer header or session) and for a signed-in editor."""
    token = site_of(request).member_token
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and token_matches(token, offered.strip()):
        return True
    session = session_of(request)
    if session is not None and session.role == "member":
        return bool(token) and hmac.compare_digest(session.name, member_fingerprint(token))
    return editor_of(request) is not None


def visible(access: str, member: bool) -> bool:
    """Whether a document or bulletin with this access level may be shown to this request."""
    return access != "internal" or member
