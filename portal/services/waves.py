"""Waves (gelombang) of the programme: opening them, their figures, and recycling revoked places."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Card, CardStatus, Wave, WaveRecycling
from portal.services import DomainError


def open_wave(number: int, quota: int, opened_at: datetime) -> Wave:
    """Open wave `number` with room for `quota` cards."""
    if number < 1 or quota < 1:
        raise DomainError(_l("A wave needs a positive number and quota."))
    if db.session.scalar(select(Wave.id).where(Wave.number == number)):
        raise DomainError(_l("Wave %(n)d already exists.", n=number))
    wave = Wave(number=number, quota=quota, cards_issued=0, opened_at=opened_at)
    try:
        with db.session.begin_nested():
            db.session.add(wave)
    except IntegrityError:
        raise DomainError(_l("Wave %(n)d already exists.", n=number)) from None
    return wave


@dataclass(frozen=True)
class WaveFigures:
    """One wave as the PMO watches it."""

    id: int
    number: int
    quota: int
    issued: int
    bought: int
    not_yet_bought: int
    revoked: int
    recycled_out: int
    recycled_in: int  # places this wave was made of, from earlier waves

    @property
    def recyclable(self) -> int:
        return self.revoked - self.recycled_out


def wave_figures() -> list[WaveFigures]:
    """Per wave: quota, cards issued, bought, not yet bought, revoked, recycled. Three statements."""
    counts = {
        row.wave_id: row
        for row in db.session.execute(
            select(
                Card.wave_id,
                func.count(Card.id).label("issued"),
                func.count(Card.first_purchase_at).label("bought"),
                func.sum(case((and_(Card.status == CardStatus.ACTIVE, Card.first_purchase_at.is_(None)), 1), else_=0))
                .label("waiting"),
            ).group_by(Card.wave_id)
        )
    }
    recycled_in = dict(db.session.execute(
        select(WaveRecycling.target_wave_id, func.sum(WaveRecycling.places)).group_by(WaveRecycling.target_wave_id)
    ).all())
    figures = []
    for wave in db.session.scalars(select(Wave).order_by(Wave.number)):
        row = counts.get(wave.id)
        figures.append(WaveFigures(
            id=wave.id, number=wave.number, quota=wave.quota, issued=row.issued if row else 0,
            bought=row.bought if row else 0, not_yet_bought=int(row.waiting or 0) if row else 0,
            revoked=wave.revoked_count, recycled_out=wave.recycled_out, recycled_in=int(recycled_in.get(wave.id, 0)),
        ))
    return figures


def open_wave_from_recycled(number: int, places: dict[int, int], opened_at: datetime) -> Wave:
    """Buka gelombang baru dari kuota pencabutan: a new wave made of revoked places.

    `places` maps a source wave number to how many of its recyclable places to take. Each source
    is taken with a guarded UPDATE, so a revoked place is recycled at most once, even when two
    admins open waves at the same moment.
    """
    wanted = {source: n for source, n in places.items() if n}
    if not wanted:
        raise DomainError(_l("Choose at least one place to recycle."))
    if any(n < 0 for n in wanted.values()):
        raise DomainError(_l("The number of places cannot be negative."))
    wave = open_wave(number, sum(wanted.values()), opened_at)
    for source_number, n in sorted(wanted.items()):
        source = db.session.scalar(select(Wave).where(Wave.number == source_number))
        if source is None or source.id == wave.id:
            raise DomainError(_l("There is no wave %(n)d.", n=source_number))
        taken = db.session.execute(
            update(Wave).where(Wave.id == source.id, Wave.recycled_out + n <= Wave.revoked_count)
            .values(recycled_out=Wave.recycled_out + n).execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            raise DomainError(_l("Wave %(n)d does not have %(places)d revoked places left to recycle.",
                                 n=source_number, places=n))
        db.session.add(WaveRecycling(source_wave_id=source.id, target_wave_id=wave.id, places=n, created_at=opened_at))
    db.session.flush()
    return wave
