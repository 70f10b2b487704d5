"""The day's story in a few sentences, told from the wave figures and the portal's clock: whose last
day it is, what the last deadline revoked, and what the revoked places will become. Nothing in it is
written in advance: every number and wave comes from the figures."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.lists import format_list
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from portal.clock import to_wib, today_wib
from portal.formatting import rupiah, wib
from portal.services.cards import TRAINING_BALANCE
from portal.services.waves import WaveFigures


def wave_numbers(numbers: list[int]) -> str:
    """`12–16` for a run of waves, `12, 14 dan 15` otherwise."""
    numbers = sorted(numbers)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    return format_list([str(n) for n in numbers], locale=str(get_locale()))


def _deadline_day(figure: WaveFigures) -> date:
    return to_wib(figure.deadline_at).date()


def _today(figures: list[WaveFigures], today: date) -> list[str]:
    lines = []
    for f in figures:
        if _deadline_day(f) == today and f.not_yet_bought:
            lines.append(_(
                "Today is the last day for wave %(n)d: %(waiting)s participants have not yet bought a first "
                "training. At %(deadline)s whoever has not bought loses their place for good: the card is "
                "revoked, the NIK is blacklisted and the training balance of %(balance)s returns to the "
                "Kartu Prakerja fund.",
                n=f.number, waiting=format_decimal(f.not_yet_bought), deadline=wib(f.deadline_at),
                balance=rupiah(TRAINING_BALANCE)))
        elif _deadline_day(f) == today - timedelta(days=1) and f.revoked:
            lines.append(_(
                "Wave %(n)d's deadline passed last night at 23.59 WIB: %(revoked)s cards were revoked, their "
                "holders blacklisted and their training balance returned to the fund.",
                n=f.number, revoked=format_decimal(f.revoked)))
        if _deadline_day(f) < today and f.not_yet_bought:
            lines.append(_("Wave %(n)d's deadline has passed: %(waiting)s cards never used are waiting to be revoked.",
                           n=f.number, waiting=format_decimal(f.not_yet_bought)))
    return lines


def _next_deadline(figures: list[WaveFigures], today: date) -> list[str]:
    coming = [f for f in figures if _deadline_day(f) > today and f.not_yet_bought]
    if not coming:
        return []
    f = min(coming, key=lambda f: (f.deadline_at, f.number))
    return [_("Next deadline: wave %(n)d, %(deadline)s, with %(waiting)s participants still to buy.",
              n=f.number, deadline=wib(f.deadline_at), waiting=format_decimal(f.not_yet_bought))]


def _recycling(figures: list[WaveFigures]) -> list[str]:
    lines = [_("Wave %(n)d was opened from %(places)s places revoked in earlier waves.",
               n=f.number, places=format_decimal(f.recycled_in)) for f in figures if f.recycled_in]
    sources = [f for f in figures if f.recyclable]
    if sources:
        lines.append(_(
            "%(places)s places revoked in waves %(sources)s are not recycled yet: wave %(next)d will be "
            "opened from the places revoked.",
            places=format_decimal(sum(f.recyclable for f in sources)),
            sources=wave_numbers([f.number for f in sources]), next=max(f.number for f in figures) + 1))
    return lines


def day_story(figures: list[WaveFigures], now: datetime) -> list[str]:
    """A few sentences about the programme on the WIB day of `now`, in the current language."""
    if not figures:
        return []
    today = today_wib(now)
    totals = _(
        "%(when)s. In waves %(waves)s: %(issued)s cards issued, %(bought)s have bought a first training, "
        "%(revoked)s were revoked.",
        when=wib(now), waves=wave_numbers([f.number for f in figures]),
        issued=format_decimal(sum(f.issued for f in figures)), bought=format_decimal(sum(f.bought for f in figures)),
        revoked=format_decimal(sum(f.revoked for f in figures)))
    return [totals, *_today(figures, today), *_next_deadline(figures, today), *_recycling(figures)]
