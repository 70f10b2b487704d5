"""The demo clock as a service: anywhere in time for a scenario, forward only for the presenter."""
from datetime import UTC, datetime, timedelta

import pytest

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import DemoClock
from portal.services import DomainError
from portal.services.democlock import (
    back_to_start,
    jump_demo_clock_to,
    jump_to_wave_deadline,
    move_demo_clock,
    next_midnight_wib,
    reset_demo_clock,
    set_demo_time,
    wave_deadline,
    waves_with_deadline_ahead,
)
from tests.conftest import START
from tests.factories import create_card, create_wave

SCENARIO = datetime(2021, 4, 8, 14, 0, tzinfo=UTC)  # Kamis, 8 April 2021 21.00 WIB
NIK = "3273014508950011"


@pytest.fixture(autouse=True)
def real_time_after():
    yield
    portal_clock.share_offset(None)
    portal_clock.set_offset(timedelta(0))


def test_set_demo_time_puts_the_portal_in_the_past_and_remembers_the_start(app, clock):
    clock.move_to(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    offset = set_demo_time(SCENARIO, start=True)
    db.session.commit()
    assert portal_clock.now() == SCENARIO and offset < timedelta(0)
    row = db.session.get(DemoClock, 1)
    assert row.offset_seconds == round(offset.total_seconds()) and row.start_at == SCENARIO
    clock.shift(61)  # then the portal's time runs on in real time
    assert portal_clock.now() == SCENARIO + timedelta(seconds=61)
    assert portal_clock.real_now() == datetime(2026, 12, 8, 2, 1, 1, tzinfo=UTC)


def test_the_presenter_moves_forward_only(app, clock):
    set_demo_time(SCENARIO, start=True)
    move_demo_clock(timedelta(days=1))
    assert portal_clock.now() == SCENARIO + timedelta(days=1)
    for step in (timedelta(0), timedelta(seconds=-1), -timedelta(days=7)):
        with pytest.raises(DomainError, match="hanya bisa maju"):
            move_demo_clock(step)
    with pytest.raises(DomainError, match="sudah lewat"):
        jump_demo_clock_to(SCENARIO, portal_clock.now())
    assert portal_clock.now() == SCENARIO + timedelta(days=1)


def test_back_to_the_scenario_start_and_to_real_time(app, clock):
    with pytest.raises(DomainError, match="Belum ada skenario"):
        back_to_start()
    set_demo_time(SCENARIO, start=True)
    move_demo_clock(timedelta(days=7))
    assert back_to_start() == SCENARIO and portal_clock.now() == SCENARIO
    reset_demo_clock()
    assert portal_clock.now() == START and portal_clock.offset() == timedelta(0)
    assert db.session.get(DemoClock, 1).start_at == SCENARIO  # real time keeps the way back to the start
    assert back_to_start() == SCENARIO


def test_next_midnight_is_in_wib():
    assert next_midnight_wib(SCENARIO) == datetime(2021, 4, 8, 17, 0, tzinfo=UTC)  # 9 April 00.00 WIB
    assert next_midnight_wib(datetime(2021, 4, 8, 17, 0, tzinfo=UTC)) == datetime(2021, 4, 9, 17, 0, tzinfo=UTC)


def test_jump_to_23_59_30_on_a_wave_deadline_day(app, clock):
    wave = create_wave(13, quota=10)
    create_card(wave=wave, nik=NIK)  # accepted 10 March 10.00 WIB: deadline 9 April 23.59.59 WIB
    assert wave_deadline(wave) == datetime(2021, 4, 9, 16, 59, 59, tzinfo=UTC)
    assert [w.number for w, _ in waves_with_deadline_ahead(portal_clock.now())] == [13]
    target = jump_to_wave_deadline(13, portal_clock.now())
    assert target == portal_clock.now() == datetime(2021, 4, 9, 16, 59, 30, tzinfo=UTC)
    assert waves_with_deadline_ahead(portal_clock.now()) == []
    with pytest.raises(DomainError, match="sudah lewat"):
        jump_to_wave_deadline(13, portal_clock.now())


@pytest.mark.parametrize("number, message", [(99, "Tidak ada gelombang 99"), (14, "Gelombang 14 belum memiliki kartu")])
def test_jump_to_a_wave_deadline_refuses_what_has_none(app, clock, number, message):
    create_wave(14, quota=10)
    with pytest.raises(DomainError, match=message):
        jump_to_wave_deadline(number, portal_clock.now())
    assert portal_clock.offset() == timedelta(0)
