"""The portfolio after a training: every status change (WIB), the score, the certificates, the review."""
from __future__ import annotations

import re

from portal.extensions import db
from portal.models import Review
from tests.after_training.conftest import HISTORY, KEMNAKER_CODE, PROVIDER_CODE, block, enroll
from tests.conftest import START
from tests.factories import create_offering, create_programme
from tests.queries import statements_for


def training_url(enrollment) -> str:
    return f"/portofolio/pelatihan/{enrollment.id}"


def history(page, enrollment) -> list[tuple[str, str]]:
    return re.findall(r'<li data-status="([a-z_]+)">[^<]*<time datetime="[^"]+">([^<]+)</time>',
                      block(page, f"history-{enrollment.id}"))


def certificate_links(page, certificate) -> str:
    return block(page, f"certificate-{certificate.id}")


def test_the_training_page_shows_history_result_certificates_and_the_review_link(client, auth, completed):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get(training_url(enrollment))
    assert page.status_code == 200
    assert history(page, enrollment) == [
        ("not_started", "Kamis, 18 Februari 2021 10.00 WIB"),
        ("in_progress", "Jumat, 19 Februari 2021 10.00 WIB"),
        ("awaiting_confirmation", "Sabtu, 20 Februari 2021 10.00 WIB"),
        ("completed", "Minggu, 21 Februari 2021 10.00 WIB"),
    ]
    result = block(page, f"result-{enrollment.id}")
    assert 'data-score="85" data-passed="true"' in result and '<dd class="score">85</dd>' in result
    for certificate, code in ((completed["provider_certificate"], PROVIDER_CODE),
                              (completed["kemnaker_certificate"], KEMNAKER_CODE)):
        links = certificate_links(page, certificate)
        assert f'data-code="{code}"' in links and f"<code>{code}</code>" in links
        assert f'href="/portofolio/sertifikat/{certificate.id}"' in links
        assert f'href="/portofolio/sertifikat/{certificate.id}.pdf"' in links
    html = page.get_data(as_text=True)
    assert html.index(f'id="certificate-{completed["provider_certificate"].id}"') < html.index(
        f'id="certificate-{completed["kemnaker_certificate"].id}"')  # the provider's first
    assert f'href="{training_url(enrollment)}/ulasan"' in block(page, f"review-{enrollment.id}")


def test_the_portfolio_lists_the_same_for_each_training(client, auth, completed):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get("/portofolio/")
    training = block(page, f"training-{enrollment.id}")
    assert [status for status, _ in history(page, enrollment)] == list(HISTORY)
    assert 'data-score="85" data-passed="true"' in training
    assert f"<code>{PROVIDER_CODE}</code>" in training and f"<code>{KEMNAKER_CODE}</code>" in training
    assert f'href="{training_url(enrollment)}/ulasan"' in training


def test_the_review_given_replaces_the_link(client, auth, completed):
    enrollment = completed["enrollment"]
    db.session.add(Review(enrollment_id=enrollment.id, offering_id=enrollment.offering_id, rating=5,
                          text="Sangat bermanfaat.", created_at=START))
    db.session.commit()
    auth.login()
    for page in (client.get("/portofolio/"), client.get(training_url(enrollment))):
        given = block(page, f"review-{enrollment.id}")
        assert 'data-rating="5"' in given and "Sangat bermanfaat." in given
        assert f"{training_url(enrollment)}/ulasan" not in given


def test_an_unconfirmed_training_shows_its_history_only(client, auth, completed):
    waiting = enroll(completed["user"], completed["card"], create_offering(create_programme("Desain Grafis")),
                     status="awaiting_confirmation")
    auth.login()
    for page in (client.get("/portofolio/"), client.get(training_url(waiting))):
        assert [status for status, _ in history(page, waiting)] == list(HISTORY[:3])
        html = page.get_data(as_text=True)
        assert f'id="result-{waiting.id}"' not in html and f'id="certificates-{waiting.id}"' not in html
        assert f'id="review-{waiting.id}"' not in html


def test_a_failed_training_shows_the_score_and_no_certificate(client, auth, completed):
    failed = enroll(completed["user"], completed["card"], create_offering(create_programme("Menjahit")),
                    score=40, passed=False, confirmed_at=START)
    auth.login()
    page = client.get(training_url(failed))
    assert 'data-score="40" data-passed="false"' in block(page, f"result-{failed.id}")
    assert f'id="certificates-{failed.id}"' not in page.get_data(as_text=True)


def test_the_portfolio_stays_within_its_statement_budget(client, auth, completed):
    auth.login()
    one = statements_for(client, "/portofolio/")
    user, card = db.session.merge(completed["user"]), db.session.merge(completed["card"])
    for n in range(5):
        done = enroll(user, card, create_offering(create_programme(f"Kursus {n}"), price=10_000),
                      score=70 + n, passed=True, confirmed_at=START)
        db.session.add(Review(enrollment_id=done.id, offering_id=done.offering_id, rating=4, text="", created_at=START))
    db.session.commit()
    six = statements_for(client, "/portofolio/")
    assert one == six and six <= 8, (one, six)
