"""Waves (gelombang) of the programme."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Wave
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
