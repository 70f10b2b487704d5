"""Verification codes: making one for a new certificate, and finding the certificate a typed code names.

A code is public (anyone may check one), so what a check shows of the holder is a masked name.
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.models import Certificate
from portal.services.certificates.queries import with_catalogue

# No 0/O, 1/I/L: a code is read aloud and typed from paper. 31 symbols ** 10 ≈ 2**49 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_CODE_LENGTH = 20  # Certificate.code's column
MIN_CODE_SYMBOLS = 6  # shorter input names no certificate: spare the query
VERIFY_PATH = "/sertifikat/{code}"  # the public check page (certificates.verify)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")  # typographic dashes, as copied from a PDF or a chat


def new_certificate_code() -> str:
    """A random verification code such as `PK-7KQ2M-X9D4T` (ten symbols, unambiguous alphabet)."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"PK-{symbols[:5]}-{symbols[5:]}"


def code_candidates(code: str) -> list[str]:
    """The stored forms a typed code may stand for: upper-case, blanks gone, dashes optional.

    Codes read `PK-` then two groups of five, so `pk7kq2mx9d4t` and `PK-7KQ2M-X9D4T` name the same
    certificate. Nothing plausible -> an empty list.
    """
    typed = _DASHES.sub("-", "".join(code.split()).upper())
    compact = typed.replace("-", "")
    plausible = compact.isascii() and compact.isalnum() and MIN_CODE_SYMBOLS <= len(compact) <= MAX_CODE_LENGTH
    if not plausible:
        return []
    candidates = [typed, compact]
    rest = compact[2:]
    if compact.startswith("PK") and rest and len(rest) % 2 == 0:
        half = len(rest) // 2
        candidates.append(f"PK-{rest[:half]}-{rest[half:]}")
    return list(dict.fromkeys(c for c in candidates if len(c) <= MAX_CODE_LENGTH))


def find_by_code(code: str) -> Certificate | None:
    """The certificate a typed verification code names (see `code_candidates`), with its training.

    One statement on the unique index of `code`; no statement for something that cannot be a code.
    """
    candidates = code_candidates(code)
    if not candidates:
        return None
    return db.session.scalar(with_catalogue(select(Certificate)).where(Certificate.code.in_(candidates)).limit(1))


def mask_name(full_name: str) -> str:
    """`Siti Rahmawati` -> `Siti R********`: enough to match a person, not to learn a name.

    The first word stays (unless it is the only one); other words keep their first letter.
    """
    words = full_name.split()
    if not words:
        return ""
    shown = [words[0]] if len(words) > 1 else []
    hidden = words[1:] if len(words) > 1 else words
    return " ".join(shown + [word[0] + "*" * (len(word) - 1) for word in hidden])
