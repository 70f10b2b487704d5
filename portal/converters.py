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
