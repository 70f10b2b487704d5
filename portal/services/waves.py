"""Waves (gelombang) of the programme: opening them, their figures, and recycling revoked places."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import to_wib
from portal.extensions import db
from portal.models import Wave, WaveRecycling
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.cards import deadline_for


def _refuse_existing(number: int) -> None:
    if db.session.scalar(select(Wave.id).where(Wave.number == number)):
        raise DomainError(_l("Wave %(n)d already exists.", n=number), "number")


def open_wave(number: int, quota: int, opened_at: datetime, accepted_on: date | None = None) -> Wave:
    """Open wave `number` with room for `quota` cards, its participants accepted on the WIB day
    `accepted_on` (by default the day it opens): its deadline is 23:59:59 WIB on the 30th day after."""
    if number < 1 or quota < 1:
        raise DomainError(_l("A wave needs a positive number and quota."))
    _refuse_existing(number)
    wave = Wave(number=number, quota=quota, cards_issued=0, opened_at=opened_at,
                accepted_on=accepted_on or to_wib(opened_at).date())
    try:
        with db.session.begin_nested():
            db.session.add(wave)
    except IntegrityError:
        raise DomainError(_l("Wave %(n)d already exists.", n=number), "number") from None
    return wave


@dataclass(frozen=True)
class WaveFigures:
    """One wave as the PMO and the public see it."""

    id: int
    number: int
    quota: int
    issued: int
    bought: int
    revoked: int
    recycled_out: int
    recycled_in: int  # places this wave was made of, from earlier waves
    accepted_on: date
    deadline_at: datetime  # the wave's: 23:59:59 WIB on the 30th day after `accepted_on`, in UTC

    @property
    def not_yet_bought(self) -> int:
        """Issued, never bought, not revoked. Bought and revoked are disjoint: the sweep revokes only
        cards that never bought, and a revoked card can no longer buy."""
        return self.issued - self.bought - self.revoked

    @property
    def recyclable(self) -> int:
        return self.revoked - self.recycled_out


def wave_figures() -> list[WaveFigures]:
    """Per wave: quota, cards issued, bought, not yet bought, revoked, recycled, and the deadline.

    One statement on the waves table alone: its counters move with the cards (issuance, first
    purchase, the sweep, recycling), so the cost does not grow with the number of cards.
    """
    rows = db.session.execute(
        select(Wave.id, Wave.number, Wave.quota, Wave.cards_issued, Wave.cards_bought, Wave.revoked_count,
               Wave.recycled_out, Wave.recycled_in, Wave.accepted_on).order_by(Wave.number)
    ).all()
    return [WaveFigures(*row, deadline_at=deadline_for(row.accepted_on)) for row in rows]


def _take_places(source_number: int, places: int, target: Wave, at: datetime) -> None:
    """A guarded UPDATE: the source wave gives `places` only if that many revoked places are still free."""
    source_id = db.session.scalar(select(Wave.id).where(Wave.number == source_number))
    if source_id is None or source_id == target.id:
        raise DomainError(_l("There is no wave %(n)d.", n=source_number))
    taken = db.session.execute(
        update(Wave).where(Wave.id == source_id, Wave.recycled_out + places <= Wave.revoked_count)
        .values(recycled_out=Wave.recycled_out + places).execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise DomainError(_l("Wave %(n)d does not have %(places)d revoked places left to recycle: "
                             "someone may have recycled them meanwhile. Nothing was changed.",
                             n=source_number, places=places))
    db.session.add(WaveRecycling(source_wave_id=source_id, target_wave_id=target.id, places=places, created_at=at))


def open_wave_from_recycled(actor: Actor, number: int, places: dict[int, int], opened_at: datetime,
                            accepted_on: date | None = None) -> Wave:
    """Buka gelombang baru dari kuota pencabutan: a new wave made of places revoked in one or more
    earlier waves (wave 17 came from waves 12–16).

    `places` maps a source wave number to how many of its recyclable places to take. Each source
    is taken with a guarded UPDATE, so a revoked place is recycled at most once, even when two
    admins open waves at the same moment; if any source ran short meanwhile the caller rolls the
    whole of it back. The action is written to the audit log.
    """
    wanted = {source: n for source, n in places.items() if n}
    if any(n < 0 for n in wanted.values()):
        raise DomainError(_l("The number of places cannot be negative."))
    if not wanted:
        raise DomainError(_l("Choose at least one place to recycle."))
    wave = open_wave(number, sum(wanted.values()), opened_at, accepted_on)
    for source_number, n in sorted(wanted.items()):
        _take_places(source_number, n, wave, opened_at)
    db.session.execute(update(Wave).where(Wave.id == wave.id).values(recycled_in=sum(wanted.values()))
                       .execution_options(synchronize_session=False))
    record(actor, "wave.recycle", f"wave:{number}", opened_at, wave=number, quota=sum(wanted.values()),
           sources={str(k): v for k, v in sorted(wanted.items())}, accepted_on=wave.accepted_on.isoformat())
    db.session.refresh(wave)
    return wave
