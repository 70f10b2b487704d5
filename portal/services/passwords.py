"""Passwords as NIST SP 800-63B asks: length, a blocklist, no composition rules."""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from portal.services import DomainError

MIN_LENGTH = 8
MAX_LENGTH = 128  # NIST: accept at least 64
CONTEXT_WORDS = ("prakerja", "sisnaker", "kemnaker", "siapkerja")
# Common Indonesian choices missing from the English-heavy breach list.
LOCAL_WORDS = ("bismillah", "sayangku", "rahasia", "indonesia", "merdeka", "cintaku", "katasandi")
_BLOCKLIST_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(_BLOCKLIST_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip()) | frozenset(LOCAL_WORDS)


def _is_repetitive_or_sequential(password: str) -> bool:
    if len(set(password)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return steps in ({1}, {-1})


def check_password(password: str, context: tuple[str, ...] = ()) -> None:
    """Raise DomainError if `password` is too short, too long, common or built from `context`.

    `context` holds the account's own words (NIK, name parts, email): a password that is one of
    them, or contains one of at least four characters, is refused.
    """
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Password must be at least %(n)d characters.", n=MIN_LENGTH), "password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Password must be at most %(n)d characters.", n=MAX_LENGTH), "password")
    lowered = password.lower()
    if lowered in _common_passwords() or _is_repetitive_or_sequential(lowered):
        raise DomainError(_l("This password is too common and easy to guess. Choose another."), "password")
    words = set(CONTEXT_WORDS)
    for item in context:
        words.update(w for w in re.split(r"[^\w]+", item.lower()) if len(w) >= 4)
    if any(word in lowered for word in words):
        raise DomainError(
            _l("The password must not contain your NIK, name, email or the portal's name."), "password"
        )


def hash_password(password: str) -> str:
    """A salted, slow hash (werkzeug's scrypt)."""
    return generate_password_hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
