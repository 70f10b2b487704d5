"""One page of the PMO's records (ledger, blacklist, audit log), and a NIK as staff see it there.

Each listing counts its rows and reads one page of them: two statements whatever the size of the table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.services.paging import Paged

PER_PAGE = 50


@dataclass(frozen=True)
class Page(Paged):
    """One page of rows, newest first."""

    items: list[Any] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, super().pages)  # "Page 1 of 1" even for an empty list


def page_rows(query: Select, page: int, per_page: int) -> tuple[list, int, int]:
    """The rows of page `page` of `query` (clamped to the pages there are), that page, and the total."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    return db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all(), page, total


def masked_nik(nik: str | None) -> str:
    """`3273011203900001` -> `327301••••••0001`: the region and the tail, not the birth date."""
    return nik[:6] + "••••••" + nik[12:] if nik and len(nik) == 16 else (nik or "")
