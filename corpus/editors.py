"""Editor (archivist) accounts: a name and a code, the code stored only as a salted scrypt hash.

scrypt is in the standard library (hashlib) and is memory-hard, so a stolen catalog does not give
the codes away cheaply; no new dependency is needed. Parameters are stored with each hash, so they
can be raised later without invalidating existing accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa

from corpus.catalog import Catalog, now
from corpus.catalog import editors
from sohoa.errors import BadArgsError, NotFoundError

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_CODE = 10  # characters; shorter codes fall to guessing even when sign-in is throttled
_N, _R, _P = 2**14, 8, 1  # ~16 MB and ~50 ms a check: slow for a guesser, quick for a sign-in


def hash_code(code: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(code.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def code_matches(stored: str, code: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    assert scheme == "scrypt", f"unknown hash scheme {scheme}"
    offered = hashlib.scrypt(code.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(offered, bytes.fromhex(digest))


def new_code() -> str:
    """A code to hand to a new editor: 16 random characters, easy to type."""
    return secrets.token_urlsafe(12)


def add_editor(catalog: Catalog, name: str, code: str) -> None:
    """Create an editor, or give an existing one a new code."""
    if not NAME.fullmatch(name):
        raise BadArgsError(f"tên '{name}' không hợp lệ / invalid name: lowercase letters, digits, . _ - (2–64)")
    if len(code) < MIN_CODE:
        raise BadArgsError(f"mã quá ngắn / code too short: at least {MIN_CODE} characters")
    with catalog.engine.begin() as conn:
        conn.execute(editors.delete().where(editors.c.name == name))
        conn.execute(editors.insert().values(name=name, code_hash=hash_code(code), created_at=now()))


def remove_editor(catalog: Catalog, name: str) -> None:
    with catalog.engine.begin() as conn:
        if not conn.execute(editors.delete().where(editors.c.name == name)).rowcount:
            raise NotFoundError(f"không có biên tập viên / no editor '{name}'")


def list_editors(catalog: Catalog) -> list[tuple[str, str]]:
    """(name, created_at) of every editor, by name."""
    with catalog.engine.connect() as conn:
        return [(row.name, row.created_at) for row in conn.execute(sa.select(editors).order_by(editors.c.name))]


def is_editor(catalog: Catalog, name: str) -> bool:
    with catalog.engine.connect() as conn:
        return conn.execute(sa.select(editors.c.name).where(editors.c.name == name)).first() is not None


def check_editor(catalog: Catalog, name: str, code: str) -> bool:
    """Whether ``code`` is this editor's; an unknown name costs the same time as a wrong code."""
    with catalog.engine.connect() as conn:
        stored = conn.execute(sa.select(editors.c.code_hash).where(editors.c.name == name)).scalar()
    if stored is None:
        code_matches(_DUMMY, code)
        return False
    return code_matches(stored, code)


_DUMMY = hash_code("không có tài khoản này")
