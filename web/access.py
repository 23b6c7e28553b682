"""Who may see `internal` documents: requests that carry the member credential the operator set.

The credential is one shared token (``SOHOA_MEMBER_TOKEN``). A program sends it as
``Authorization: Bearer <token>``; a browser logs in once through a form and then carries a cookie
holding an HMAC of the token (never the token itself), so changing the token logs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from web.site import site_of

COOKIE = "sohoa_member"
COOKIE_DAYS = 30


def cookie_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"sohoa member cookie v1", hashlib.sha256).hexdigest()


def token_matches(token: str, offered: str) -> bool:
    return bool(token) and hmac.compare_digest(token.encode("utf-8"), offered.encode("utf-8"))


def is_member(request: Request) -> bool:
    """True when the request carries the configured credential (bearer header or login cookie)."""
    token = site_of(request).member_token
    if not token:
        return False
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token_matches(token, offered.strip()):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie_value(token).encode(), cookie.encode("utf-8", "replace"))


def visible(access: str, member: bool) -> bool:
    """Whether a document or bulletin with this access level may be shown to this request."""
    return access != "internal" or member
