"""One page of a listing, and the one way to fetch it: the catalogue, the reviews and the admin's lists."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, func, select

from portal.extensions import db

RECORDS_PER_PAGE = 50  # the PMO's lists: the ledger, the blacklist, the audit log


@dataclass(frozen=True)
class Paged:
    """One page of a listing. Pages count from 1, and an empty listing still has its one (empty)
    page, so a pager can say "Page 1 of 1"."""

    page: int
    per_page: int
    total: int
    items: list[Any] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def beyond_last(self) -> bool:
        """A page number past the end (page 1 of an empty listing is not)."""
        return self.page > self.pages

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    def window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link: first, last, and `radius` around the current; None marks a gap."""
        shown = sorted({1, self.pages, *range(self.page - radius, self.page + radius + 1)})
        numbers: list[int | None] = []
        for n in (n for n in shown if 1 <= n <= self.pages):
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def fetch_page(query: Select, page: int, per_page: int, *, clamp: bool = False,
               shape: Callable[[Any], Any] | None = None) -> Paged:
    """Page `page` of `query` (which carries its ORDER BY), each row passed through `shape`.

    Two statements: a COUNT of the rows, then the page itself, skipped when it would be empty. A
    page number past the end gives an empty page with `beyond_last` (the caller answers 404), or
    with `clamp` the last page (the admin's lists: an old link still lands somewhere).
    """
    if per_page < 1 or (page < 1 and not clamp):
        raise ValueError("page and per_page count from 1")
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    paged = Paged(page=max(1, page), per_page=per_page, total=total)
    if clamp and paged.beyond_last:
        paged = replace(paged, page=paged.pages)
    if total == 0 or paged.beyond_last:
        return paged
    rows = db.session.execute(query.limit(per_page).offset(paged.offset)).all()
    return replace(paged, items=[shape(row) for row in rows] if shape else list(rows))
