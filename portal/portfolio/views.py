"""Portofolio views: the trainings a participant bought, starting one, and marking sessions done."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import job_seeker_required
from portal.forms import checked_post
from portal.models import Enrollment
from portal.portfolio import bp
from portal.services.cards import cards_of
from portal.services.certificates.queries import outcome_of, outcomes_of
from portal.services.learning import (
    enrollment_for,
    mark_session_done,
    portfolio_of,
    sessions_with_progress,
    start_training,
)
from portal.services.participants import EDUCATION_LEVELS
from portal.unit_of_work import unit_of_work


def _own_enrollment(enrollment_id: int) -> Enrollment:
    # Someone else's training is as absent as one that does not exist: no hint that it does.
    enrollment = enrollment_for(current_user, enrollment_id)
    if enrollment is None:
        abort(404)
    return enrollment


@bp.get("/")
@job_seeker_required
def index():
    """Portofolio: the participant's trainings, their progress, history, results and certificates,
    and the card's remaining balance."""
    portfolio = portfolio_of(current_user) if current_user.is_participant else None
    cards = cards_of(current_user, clock.now()) if current_user.is_participant else []
    outcomes = outcomes_of(current_user) if current_user.is_participant else {}
    return render_template(
        "portfolio/index.html", education_levels=EDUCATION_LEVELS, portfolio=portfolio, cards=cards,
        outcomes=outcomes,
    )


@bp.get("/pelatihan/<int:enrollment_id>")
@job_seeker_required
def training(enrollment_id: int):
    """One bought training: "Mulai Pelatihan" until started, then its sessions and progress; its
    history, and once confirmed the score, the certificates and the review."""
    enrollment = _own_enrollment(enrollment_id)
    steps = sessions_with_progress(enrollment)
    return render_template(
        "portfolio/training.html", enrollment=enrollment, steps=steps,
        done=sum(step.done for step in steps), outcome=outcome_of(enrollment),
    )


@bp.post("/pelatihan/<int:enrollment_id>/mulai")
@job_seeker_required
def start(enrollment_id: int):
    """Mulai Pelatihan."""
    enrollment = _own_enrollment(enrollment_id)
    checked_post()
    with unit_of_work() as work:
        started = start_training(current_user, enrollment, clock.now())
    if work.done and started:  # a second press changes nothing and says nothing
        flash(_("The training has started. Mark each session done when you have worked through it."), "success")
    return redirect(url_for("portfolio.training", enrollment_id=enrollment_id))


@bp.post("/pelatihan/<int:enrollment_id>/sesi/<int:session_id>/selesai")
@job_seeker_required
def complete_session(enrollment_id: int, session_id: int):
    """Tandai selesai: one session done; the last one hands the training to the provider."""
    enrollment = _own_enrollment(enrollment_id)
    checked_post()
    with unit_of_work() as work:
        finished = mark_session_done(current_user, enrollment, session_id, clock.now())
    if work.done:
        if finished:
            flash(_("All sessions are done. The provider will now confirm that you completed the training."), "success")
        else:
            flash(_("Session marked as done."), "success")
    return redirect(url_for("portfolio.training", enrollment_id=enrollment_id, _anchor="sessions"))
