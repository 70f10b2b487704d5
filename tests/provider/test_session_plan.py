"""The session plan: shared by a programme's offerings, written once while the programme has none."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import TrainingSession
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.offerings import can_set_session_plan, set_session_plan
from tests.conftest import START
from tests.provider.conftest import IP, add_sessions, detail, events, offering_of, submit, token


def plan_url(offering) -> str:
    return f"/lembaga/pelatihan/{offering.id}/sesi"


def titles(programme_id: int) -> list[str]:
    return list(db.session.scalars(select(TrainingSession.title).where(TrainingSession.programme_id == programme_id)
                                   .order_by(TrainingSession.position)))


def test_a_programme_without_sessions_gets_its_plan(client, lembaga, other):
    offering = offering_of(lembaga)
    page = client.get(plan_url(offering))
    assert 'id="no-sessions"' in page.text and 'id="write-plan"' in page.text
    response = submit(client, page, plan_url(offering),
                      {"titles": "Pengenalan pemasaran digital\r\n\r\n  Media sosial  \r\nIklan berbayar\r\n"})
    assert response.request.path == plan_url(offering)
    assert titles(offering.programme_id) == ["Pengenalan pemasaran digital", "Media sosial", "Iklan berbayar"]
    assert 'data-sessions="3"' in response.text and 'id="write-plan"' not in response.text
    [event] = events("programme.set_session_plan")
    assert (event.actor_id, event.subject, event.ip, event.at) == (
        lembaga.staff_id, f"programme:{offering.programme_id}", IP, START)
    assert detail(event) == {"offering_id": offering.id, "sessions": 3}
    # Another lembaga offering the same programme shares the plan and can no longer write one.
    theirs = offering_of(other, programme=offering.programme)
    assert not can_set_session_plan(theirs)


def test_a_programme_with_sessions_keeps_them(client, lembaga):
    offering = offering_of(lembaga)
    add_sessions(offering.programme_id, "Sesi pertama", "Sesi kedua")
    page = client.get(plan_url(offering))
    assert 'data-sessions="2"' in page.text and 'id="plan-fixed"' in page.text and 'id="write-plan"' not in page.text
    response = client.post(plan_url(offering), data={"csrf_token": token(client), "titles": "Lain"},
                           follow_redirects=True)
    assert 'class="alert alert--error"' in response.text
    assert titles(offering.programme_id) == ["Sesi pertama", "Sesi kedua"]
    assert events("programme.set_session_plan") == []


def test_a_plan_written_meanwhile_wins(app, lembaga, monkeypatch):
    offering = offering_of(lembaga)
    # The check passed, then another lembaga's plan committed before this one's insert.
    monkeypatch.setattr("portal.services.offerings.can_set_session_plan", lambda offering: True)
    add_sessions(offering.programme_id, "Sesi pertama")
    with pytest.raises(DomainError) as refused:
        set_session_plan(Actor(lembaga.staff, IP), offering, ["Lain", "Lain lagi"], START)
    assert refused.value.field is None
    db.session.rollback()
    assert titles(offering.programme_id) == ["Sesi pertama"]


def test_bad_plans_are_refused(client, lembaga):
    offering = offering_of(lembaga)
    page = client.get(plan_url(offering))
    for text in ("  \r\n ", "\n".join(f"Sesi {n}" for n in range(31)), "x" * 161):
        response = submit(client, page, plan_url(offering), {"titles": text})
        assert response.status_code == 200 and 'id="titles-error"' in response.text, text[:20]
    assert titles(offering.programme_id) == []
