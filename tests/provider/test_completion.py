"""Registrants and confirming completion: a score, pass or fail, and the two certificates."""
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Certificate, Enrollment
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.certificates.codes import new_certificate_code
from portal.services.completion import confirm_completion
from portal.services.learning import status_history
from tests.conftest import START
from tests.provider.conftest import (
    IP,
    a_programme,
    add_sessions,
    detail,
    enrol,
    events,
    mark_done,
    offering_of,
    submit,
    token,
)
from tests.queries import statements_for

CODE = re.compile(r"^PK-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$")


def confirm_url(enrollment) -> str:
    return f"/lembaga/peserta/{enrollment.id}/konfirmasi"


def registrants_url(offering_id: int) -> str:
    return f"/lembaga/pelatihan/{offering_id}/peserta"


def confirm(client, enrollment, score, result="passed"):
    page = client.get(registrants_url(enrollment.offering_id))
    return submit(client, page, confirm_url(enrollment),
                  {f"e{enrollment.id}-score": score, f"e{enrollment.id}-result": result})


def certificates(enrollment) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.enrollment_id == enrollment.id)))


def test_registrants_show_status_and_progress(client, lembaga):
    offering = offering_of(lembaga)
    one, two, three = add_sessions(offering.programme_id, "Satu", "Dua", "Tiga")
    working = enrol(offering, status="in_progress", name="Budi Santoso")
    mark_done(working, one)
    finished = enrol(offering, name="Rina Wijaya")
    for session in (one, two, three):
        mark_done(finished, session)
    html = client.get(registrants_url(offering.id)).text
    assert re.search(rf'data-enrollment="{working.id}"\s+data-status="in_progress" data-done="1" data-total="3"', html)
    assert re.search(rf'data-enrollment="{finished.id}"\s+data-status="awaiting_confirmation" data-done="3"', html)
    assert "Budi Santoso" in html and "Rina Wijaya" in html
    assert html.index("Rina Wijaya") < html.index("Budi Santoso")  # the one to confirm comes first
    assert f'action="{confirm_url(finished)}"' in html and f'action="{confirm_url(working)}"' not in html


def test_the_registrants_page_runs_the_same_statements_for_many(client, lembaga):
    offering = offering_of(lembaga)
    enrol(offering)
    few = statements_for(client, registrants_url(offering.id))
    for status in ("not_started", "in_progress", "awaiting_confirmation", "completed"):
        enrol(offering, status=status)
    assert statements_for(client, registrants_url(offering.id)) == few


def test_a_pass_completes_the_training_and_issues_two_certificates(client, lembaga):
    enrollment = enrol(offering_of(lembaga))
    response = confirm(client, enrollment, "87", "passed")
    assert response.request.path == registrants_url(enrollment.offering_id)
    db.session.refresh(enrollment)
    assert (enrollment.status, enrollment.score, enrollment.passed, enrollment.confirmed_at) == (
        "completed", 87, True, START)
    issued = certificates(enrollment)
    assert sorted(c.issuer for c in issued) == ["kemnaker", "provider"]
    assert len({c.code for c in issued}) == 2 and all(CODE.match(c.code) for c in issued)
    assert all(c.issued_at == START for c in issued)
    assert status_history(enrollment)[-1].status == "completed"
    provider_code = next(c.code for c in issued if c.issuer == "provider")
    assert f"<code>{provider_code}</code>" in response.text and 'data-score="87"' in response.text
    [event] = events("enrollment.confirm_completion")
    assert (event.actor_id, event.actor_role, event.subject, event.ip) == (
        lembaga.staff_id, "provider_staff", f"enrollment:{enrollment.id}", IP)
    assert detail(event) == {"offering_id": enrollment.offering_id, "score": 87, "passed": True, "certificates": 2}


def test_a_fail_completes_the_training_without_certificates(client, lembaga):
    enrollment = enrol(offering_of(lembaga))
    confirm(client, enrollment, "40", "failed")
    db.session.refresh(enrollment)
    assert (enrollment.status, enrollment.score, enrollment.passed) == ("completed", 40, False)
    assert certificates(enrollment) == []
    assert [e.status for e in status_history(enrollment)] == ["completed"]
    assert detail(events("enrollment.confirm_completion")[0])["certificates"] == 0


@pytest.mark.parametrize("score, result, field", [
    ("101", "passed", "score"), ("-1", "passed", "score"), ("sembilan", "passed", "score"), ("", "passed", "score"),
    ("80.5", "passed", "score"), ("80", "", "result"), ("101", "", "score"), ("101", "", "result"),
])
def test_a_bad_score_or_result_changes_nothing(client, lembaga, score, result, field):
    enrollment = enrol(offering_of(lembaga))
    response = confirm(client, enrollment, score, result)
    assert response.status_code == 200
    assert f'id="e{enrollment.id}-{field}-error"' in response.text
    db.session.refresh(enrollment)
    assert (enrollment.status, enrollment.score) == ("awaiting_confirmation", None)
    assert certificates(enrollment) == [] and events("enrollment.confirm_completion") == []


def test_a_second_confirmation_is_refused(client, lembaga):
    enrollment = enrol(offering_of(lembaga))
    page = client.get(registrants_url(enrollment.offering_id))
    values = {f"e{enrollment.id}-score": "90", f"e{enrollment.id}-result": "passed"}
    submit(client, page, confirm_url(enrollment), values)
    again = submit(client, page, confirm_url(enrollment), {**values, f"e{enrollment.id}-result": "failed"})
    assert 'class="alert alert--error"' in again.text
    db.session.refresh(enrollment)
    assert (enrollment.score, enrollment.passed) == (90, True)
    assert len(certificates(enrollment)) == 2
    assert [e.status for e in status_history(enrollment)] == ["completed"]
    assert len(events("enrollment.confirm_completion")) == 1


def test_an_unfinished_training_cannot_be_confirmed(client, lembaga):
    enrollment = enrol(offering_of(lembaga), status="in_progress")
    data = {"csrf_token": token(client), f"e{enrollment.id}-score": "90", f"e{enrollment.id}-result": "passed"}
    response = client.post(confirm_url(enrollment), data=data, follow_redirects=True)
    assert 'class="alert alert--error"' in response.text
    db.session.refresh(enrollment)
    assert (enrollment.status, enrollment.score) == ("in_progress", None)


def test_certificate_codes_are_random_and_unambiguous():
    codes = {new_certificate_code() for _ in range(200)}
    assert len(codes) == 200 and all(CODE.match(code) for code in codes)


def test_a_code_already_taken_is_drawn_again(app, lembaga, monkeypatch):
    first = enrol(offering_of(lembaga))
    second = enrol(offering_of(lembaga, programme=a_programme("Menjahit")))
    actor = Actor(lembaga.staff, IP)
    drawn = iter(["PK-AAAAA-AAAAA", "PK-BBBBB-BBBBB", "PK-AAAAA-AAAAA", "PK-CCCCC-CCCCC", "PK-DDDDD-DDDDD"])
    monkeypatch.setattr("portal.services.completion.new_certificate_code", lambda: next(drawn))
    confirm_completion(actor, db.session.get(Enrollment, first.id), 90, True, START)
    issued = confirm_completion(actor, db.session.get(Enrollment, second.id), 75, True, START)
    db.session.commit()
    assert {(c.issuer, c.code) for c in issued} == {("provider", "PK-CCCCC-CCCCC"), ("kemnaker", "PK-DDDDD-DDDDD")}
    assert {c.code for c in certificates(second)} == {"PK-CCCCC-CCCCC", "PK-DDDDD-DDDDD"}


@pytest.mark.parametrize("score", [101, -1, True, "90"])
def test_the_service_refuses_a_score_outside_0_to_100(app, lembaga, score):
    enrollment = enrol(offering_of(lembaga))
    with pytest.raises(DomainError) as refused:
        confirm_completion(Actor(lembaga.staff, IP), db.session.get(Enrollment, enrollment.id), score, True, START)
    assert refused.value.field == "score"
    db.session.rollback()
    assert db.session.get(Enrollment, enrollment.id).status == "awaiting_confirmation"
