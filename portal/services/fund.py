"""The Kartu Prakerja fund account: what the programme drew from the fund, and where that money is now."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Card, LedgerEntry, LedgerKind


@dataclass(frozen=True)
class FundAccount:
    """Money between the fund and the cards, in whole rupiah."""

    granted: int  # paid out of the fund onto cards
    returned: int  # back into the fund from revoked cards
    on_cards: int  # still on cards, not yet spent
    spent: int  # paid to providers for trainings

    @property
    def net_drawn(self) -> int:
        """What the programme has drawn from the fund so far: granted less returned."""
        return self.granted - self.returned

    @property
    def balanced(self) -> bool:
        """Every rupiah drawn is on a card or spent."""
        return self.net_drawn == self.on_cards + self.spent


def fund_account() -> FundAccount:
    """Totals of the ledger by kind, and what is on the cards. Two statements."""
    sums = dict(db.session.execute(select(LedgerEntry.kind, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.kind))
                .all())
    on_cards = db.session.scalar(select(func.coalesce(func.sum(Card.balance), 0)))
    return FundAccount(granted=int(sums.get(LedgerKind.GRANT) or 0), returned=int(sums.get(LedgerKind.RETURN) or 0),
                       on_cards=int(on_cards), spent=int(sums.get(LedgerKind.PURCHASE) or 0))
