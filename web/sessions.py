"""Signed sessions that expire, a server secret that revokes them all, and sign-in throttling.

A session cookie holds ``role|name|expiry`` and an HMAC of it under the archive's server secret
(``<archive>/.secrets/session.key``, made on first use, owner-only). Rotating that secret
(``sohoa editors rotate-secret``) signs everyone out at once without changing any member's or
editor's code. Failed sign-ins are counted per client address in memory; past the limit the
client waits, and every failure is logged (``sohoa.web.signin``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from corpus.archive import write_atomic

log = logging.getLogger("sohoa.web.signin")

COOKIE = "sohoa_session"
LIFETIME = {"member": 30 * 86400, "editor": 12 * 3600}  # seconds; an editor signs in each working day
SECRET_FILE = Path(".secrets") / "session.key"


def secret_path(root: Path) -> Path:
    return root / SECRET_FILE


def rotate_secret(root: Path) -> None:
    """A new server secret: every session signed with the old one stops working."""
    path = secret_path(root)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, secrets.token_hex(32))
    os.chmod(path, 0o600)


class ServerSecret:
    """The archive's secret, re-read when another process (the CLI) rotates it."""

    def __init__(self, root: Path) -> None:
        self.path = secret_path(root)
        self.lock = threading.Lock()
        self.stamp: int | None = None
        self.value = b""

    def get(self) -> bytes:
        with self.lock:
            if not self.path.exists():
                rotate_secret(self.path.parent.parent)
            stamp = self.path.stat().st_mtime_ns
            if stamp != self.stamp:
                self.value, self.stamp = self.path.read_bytes().strip(), stamp
            return self.value


@dataclass(frozen=True)
class Session:
    role: str  # member | editor
    name: str  # the editor's name; for a member, a fingerprint of the member code it was given for
    expires: int


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def issue(secret: bytes, role: str, name: str) -> str:
    payload = f"{role}|{name}|{int(time.time()) + LIFETIME[role]}".encode()
    return f"{base64.urlsafe_b64encode(payload).decode()}.{_sign(secret, payload)}"


def read(secret: bytes, cookie: str) -> Session | None:
    """The session a cookie carries, or None if it is forged, signed by an old secret, or expired."""
    encoded, _, signature = cookie.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    if not hmac.compare_digest(_sign(secret, payload).encode(), signature.encode("ascii", "replace")):
        return None
    role, name, expires = payload.decode("utf-8", "replace").split("|")
    if role not in LIFETIME or int(expires) < time.time():
        return None
    return Session(role, name, int(expires))


class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds (sign-in failures, suggestions)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.events: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def wait(self, key: str) -> int:
        """Seconds this key must wait before its next attempt (0: go ahead)."""
        with self.lock:
            recent = self._recent(key)
            return int(recent[0] + self.window - time.monotonic()) + 1 if len(recent) >= self.limit else 0

    def record(self, key: str) -> None:
        with self.lock:
            self._recent(key).append(time.monotonic())

    def clear(self, key: str) -> None:
        with self.lock:
            self.events.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        recent = self.events.setdefault(key, deque())
        while recent and recent[0] < time.monotonic() - self.window:
            recent.popleft()
        return recent


def local_path(target: str, default: str = "/search") -> str:
    """``target`` if it is a path on this site ("/documents/…"), else ``default``: never a way out
    to another site ("//evil.example", "https://…", "/\\evil")."""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
        return default
    return target


def same_origin(headers: dict[str, str] | object, host: str, base_url: str) -> bool:
    """Whether a state-changing request comes from a page of this site (Origin, else Referer)."""
    get = headers.get  # type: ignore[attr-defined]
    source = get("origin") or get("referer") or ""
    if not source or source == "null":
        return bool(get("authorization"))  # a program with a bearer token; browsers always send Origin on POST
    netloc = urlsplit(source).netloc
    return bool(netloc) and netloc in (host, urlsplit(base_url).netloc)
