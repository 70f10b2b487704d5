"""What every paged list knows about its position: shared by the catalogue and the admin's lists."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Paged:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Pages there are; 0 for an empty list."""
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
