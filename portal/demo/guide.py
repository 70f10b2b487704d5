"""Panduan Demo: the tutorial's eight steps, ticked off as the presenter goes.

Steps 1, 3, 6 and 8 are read from the account (one statement, none without a job seeker); steps
2, 4, 5 and 7 are only page visits, remembered in this browser's session as a few step numbers.
The hooks are attached through the demo blueprint, so nothing here runs unless DEMO_MODE is on.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, select

from portal.extensions import db
from portal.models import Enrollment, Role

SESSION_KEY = "demo_steps"

# The pages whose visit is the step (a 200 answer only: a redirect to Masuk is not a visit).
VISITED_AT = {
    "training.catalogue": 2,
    "training.programme": 4,
    "prakerja.register": 5,  # Daftar pressed on a labelled provider: the card form
    "portfolio.training": 7,  # reached from Cek Portofolio by the training's title
}


@dataclass(frozen=True)
class Step:
    number: int
    text: object  # a lazy string: the same words as the home page's list
    endpoint: str | None = None  # where it happens, when one page is that place
    args: tuple = ()

    def href(self) -> str | None:
        return url_for(self.endpoint, **dict(self.args)) if self.endpoint else None


STEPS = (
    Step(1, _l("Create a Sisnaker account, then log in."), "auth.register"),
    Step(2, _l("Open the Trainings menu."), "training.catalogue"),
    Step(3, _l("Register as a training participant."), "training.register_participant"),
    Step(4, _l("Choose a training programme."), "training.catalogue", (("prakerja", "y"),)),
    Step(5, _l("Choose a provider with the “Kartu Prakerja” label and press “Daftar”.")),
    Step(6, _l("Enter your Kartu Prakerja number and verify it with the OTP code sent by SMS.")),
    Step(7, _l("Check your portfolio and click the training title."), "portfolio.index"),
    Step(8, _l("Press “Mulai Pelatihan” to start the training."), "portfolio.index"),
)


@dataclass(frozen=True)
class Guide:
    steps: tuple[tuple[Step, str], ...]  # each step with "done", "current" or "todo"
    done: int
    current: Step | None  # the first step not done; None when all are
    other_role: bool  # logged in as staff or admin: the steps are a job seeker's


def account_steps() -> set[int]:
    """The steps the account itself shows done: 1 logged in as a job seeker, 3 its participant
    profile, 6 a training bought, 8 a training started. One statement; none for anyone else."""
    if not current_user.is_authenticated or current_user.role != Role.JOB_SEEKER:
        return set()
    # The profile came with the account (the user loader joins it); the enrollments take one statement.
    mine = Enrollment.user_id == current_user.id
    bought, started = db.session.execute(select(
        exists().where(mine),
        exists().where(mine, Enrollment.started_at.is_not(None)),
    )).one()
    return {1} | {step for step, done in ((3, current_user.is_participant), (6, bought), (8, started)) if done}


def visited_steps() -> set[int]:
    """Steps visited in this session, the page being shown among them."""
    visited = set(session.get(SESSION_KEY, ()))
    if g.get("demo_visit"):
        visited.add(g.demo_visit)
    return visited


def demo_guide() -> Guide:
    """The panel's content for this request."""
    done = account_steps() | visited_steps()
    current = next((step for step in STEPS if step.number not in done), None)
    states = tuple(
        (step, "done" if step.number in done else "current" if step is current else "todo") for step in STEPS
    )
    other_role = current_user.is_authenticated and current_user.role != Role.JOB_SEEKER
    return Guide(states, sum(state == "done" for _, state in states), current, other_role)


def note_visit() -> None:
    """before_request: which step this page is, if any (the panel on this page already ticks it)."""
    g.demo_visit = VISITED_AT.get(request.endpoint)


def remember_visit(response):
    """after_request: keep the step in the session when the page was shown. The session (and its
    cookie) changes only the first time."""
    step = g.get("demo_visit")
    if step and response.status_code == 200 and step not in session.get(SESSION_KEY, ()):
        session[SESSION_KEY] = sorted({*session.get(SESSION_KEY, ()), step})
    return response


def forget_visits() -> None:
    """Mulai ulang panduan: the visits go; what the account did stays (it is data, not a visit)."""
    session.pop(SESSION_KEY, None)
