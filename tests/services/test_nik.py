from datetime import date

import pytest

from portal.services import DomainError
from portal.services.nik import mask_nik, parse_nik

TODAY = date(2021, 3, 10)


def test_reads_a_womans_nik():
    info = parse_nik("3273014508950003", TODAY)
    assert (info.province_code, info.birth_date, info.sex) == ("32", date(1995, 8, 5), "P")


def test_reads_a_mans_nik():
    info = parse_nik("3171021207000001", TODAY)
    assert (info.province_code, info.birth_date, info.sex) == ("31", date(2000, 7, 12), "L")


def test_two_digit_year_never_lands_in_the_future():
    assert parse_nik("3171020101250001", TODAY).birth_date == date(1925, 1, 1)
    assert parse_nik("3171020101200001", TODAY).birth_date == date(2020, 1, 1)


def test_leap_day_is_accepted_only_in_leap_years():
    assert parse_nik("3171022902000001", TODAY).birth_date == date(2000, 2, 29)
    with pytest.raises(DomainError, match="not a real date"):
        parse_nik("3171022902990001", TODAY)


@pytest.mark.parametrize(
    "nik, reason",
    [
        ("327301450895000", "16 digits"),  # 15 digits
        ("32730145089500031", "16 digits"),  # 17 digits
        ("32730145089500a3", "16 digits"),
        ("３２７３０１４５０８９５０００３", "16 digits"),  # full-width digits are not ASCII
        ("9973014508950003", "province"),
        ("3273013208950003", "not a real date"),  # day 32
        ("3273017208950003", "not a real date"),  # woman's day 32 (72 - 40)
        ("3273010013950003", "not a real date"),  # month 13
        ("3273010008950003", "not a real date"),  # day 00
        ("3273014508950000", "0000"),
    ],
)
def test_refuses_impossible_niks(nik, reason):
    with pytest.raises(DomainError, match=reason) as refused:
        parse_nik(nik, TODAY)
    assert refused.value.field == "nik"


def test_a_masked_nik_keeps_the_region_and_serial_and_hides_the_birth_date():
    assert mask_nik("3273014508950003") == "327301••••••0003"


@pytest.mark.parametrize("value, shown", [("32730145", "••••••••"), ("", ""), (None, "")])
def test_a_value_that_is_not_a_nik_is_hidden_whole(value, shown):
    assert mask_nik(value) == shown
