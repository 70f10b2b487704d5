"""How money and times look on screen (docs/domain.md): `Rp1.000.000`, `Kamis, 8 April 2021 23.59 WIB`."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal

from portal.clock import to_wib


def rupiah(amount: int) -> str:
    """Whole rupiah with dots between thousands, the same in every locale."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def wib(moment: datetime | None) -> str:
    """A UTC instant as a Jakarta wall-clock time with the day name and `WIB`."""
    if moment is None:
        return ""
    return format_datetime(to_wib(moment).replace(tzinfo=None), "EEEE, d MMMM y HH.mm", rebase=False) + " WIB"


def long_date(day: date | None) -> str:
    """A calendar date, e.g. `8 April 2021`."""
    if day is None:
        return ""
    return format_date(day, "d MMMM y")


def number(value: int) -> str:
    """A count with the locale's thousands separator: `12.000` in Indonesian, `12,000` in English."""
    return format_decimal(value)


def mask_card_number(number: str | None) -> str:
    """A Kartu Prakerja number where the full number is not needed: `•••• •••• •••• 1234`. The last
    four digits recognise a card; they do not let anyone use it. Also takes the last four alone."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if not digits:
        return ""
    return "•••• •••• •••• " + digits[-4:] if len(digits) >= 4 else "••••"


def register(app) -> None:
    from portal.services.sms import mask_phone

    app.jinja_env.filters.update(rupiah=rupiah, wib=wib, number=number, long_date=long_date, mask_phone=mask_phone,
                                 mask_card_number=mask_card_number)
