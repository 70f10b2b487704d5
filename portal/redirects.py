"""Following a `next` parameter only when it stays on this site."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """`target` if it is a local path (`/pelatihan?x=1`), else None.

    Refuses absolute URLs, scheme-relative `//host`, backslash tricks and control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
