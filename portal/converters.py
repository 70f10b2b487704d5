"""URL converters. Every id in a URL is a primary key, and every primary key is a 32-bit INTEGER on
PostgreSQL: a bigger number names a page that cannot exist (404), not a database error (500)."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to what the database can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(args, name: str) -> int | None:
    """A query-string id (`?kartu=12`): None when absent, malformed or beyond what the database holds."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


MAX_PAGE = 10**9  # past the end of any listing, and (page - 1) × page size still fits a BIGINT OFFSET


def page_arg(args, name: str = "halaman") -> int | None:
    """A query-string page number (`?halaman=2`): 1 when absent; None when it is not a whole number
    from 1 (ASCII digits only); a huge number is MAX_PAGE, a page past the end, never an overflow."""
    text = args.get(name)
    if text is None:
        return 1
    if not (text.isascii() and text.isdigit()) or not text.strip("0"):
        return None
    return int(text) if len(text) <= 9 else MAX_PAGE
