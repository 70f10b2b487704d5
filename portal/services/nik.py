"""The NIK (Nomor Induk Kependudukan): 16 digits that encode region, birth date and sex."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.regions import PROVINCES
from portal.services import DomainError


@dataclass(frozen=True)
class NikInfo:
    province_code: str
    birth_date: date
    sex: str  # "L" or "P"


def parse_nik(nik: str, today: date) -> NikInfo:
    """Read a NIK: 2 digits province, 2 regency, 2 district, DDMMYY (women DD+40), 4 serial.

    Raises DomainError when the shape is wrong, the province unknown, or the birth date impossible
    (including a date after `today`). The two-digit year is taken in the latest century that does
    not put the birth in the future.
    """
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        raise DomainError(_l("NIK must be exactly 16 digits."), field="nik")
    if nik[:2] not in PROVINCES:
        raise DomainError(_l("The first two digits of the NIK are not a province code."), field="nik")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    if nik[12:] == "0000":
        raise DomainError(_l("The last four digits of the NIK cannot be 0000."), field="nik")
    for century in (2000, 1900):
        try:
            born = date(century + year2, month, day)
        except ValueError:
            continue
        if born <= today:
            return NikInfo(province_code=nik[:2], birth_date=born, sex=sex)
    raise DomainError(_l("The date of birth in the NIK is not a real date."), field="nik")


def mask_nik(nik: str | None) -> str:
    """A NIK as staff see it in lists and logs: the region (first six digits) and the serial (last
    four) tell people apart; the birth date between them, which also gives away a woman's sex, is
    hidden: `327301••••••0003`. A value that is not 16 characters is hidden whole; none is blank."""
    if not nik:
        return ""
    return nik[:6] + "••••••" + nik[12:] if len(nik) == 16 else "•" * len(nik)
