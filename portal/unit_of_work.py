"""One unit of work per request: the view calls one service inside it, and it alone ends the
transaction (Indico's "the handler commits once").

    form = ThingForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            thing = make_thing(current_actor(), form.name.data, clock.now())
        if work.done:
            return redirect(url_for("things.show", thing_id=thing.id))
    return render_template("things/new.html", form=form)

Success commits. A refusal (`DomainError`) is rolled back and shown next to its field, above the
form, or flashed when there is no form; a refusal whose type says `keeps_writes` (a wrong code's or
a wrong password's failure count) is committed instead, so an attacker cannot guess for free.
Anything else is rolled back and raised: nothing half-done is committed. (An SMS cannot fail
here: it is queued in this transaction and sent by the relay, portal/services/sms.py.)
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash
from flask_wtf import FlaskForm

from portal.extensions import db
from portal.forms import show_domain_error
from portal.services import DomainError


def keeps_writes(error: BaseException) -> bool:
    """Whether a refusal's writes (a failure count) must be committed rather than rolled back."""
    return isinstance(error, DomainError) and error.keeps_writes


def _end(error: BaseException | None) -> None:
    """The one decision: commit after success or a `keeps_writes` refusal, else roll back."""
    if error is None or keeps_writes(error):
        db.session.commit()
    else:
        db.session.rollback()


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll it back and re-raise (committing a `keeps_writes`
    refusal's writes first). For callers without a page: the CLI."""
    try:
        yield
    except BaseException as error:
        _end(error)
        raise
    _end(None)


class UnitOfWork:
    """The outcome of one `with unit_of_work(...)` block: `done` after a commit of the whole
    block, else `error` holds the refusal that was shown."""

    def __init__(self, form: FlaskForm | None, handled: tuple[type[DomainError], ...]):
        self.form = form
        self.handled = handled
        self.done = False
        self.error: DomainError | None = None

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        _end(error)
        if error is None:
            self.done = True
            return False
        if not isinstance(error, DomainError):
            return False  # a bug or a lost connection: rolled back, and raised to the 500 page
        self.error = error
        if not isinstance(error, self.handled):  # the view said it answers these itself
            self._show(error)
        return True

    def _show(self, error: DomainError) -> None:
        if self.form is not None:
            show_domain_error(self.form, error)
        else:  # as plain text: a lazy string would reach the session as Markup, unescaped
            flash(str(error.message), "error")


def unit_of_work(form: FlaskForm | None = None,
                 handled: type[DomainError] | tuple[type[DomainError], ...] = ()) -> UnitOfWork:
    """Run one service call as the request's one transaction (see the module's docstring).

    Refusals go on `form`, or are flashed without one; those of the `handled` types are rolled
    back (or kept, by their type) but not shown: the view reads `work.error` and answers them.
    """
    return UnitOfWork(form, handled if isinstance(handled, tuple) else (handled,))


def discard_unfinished_work() -> None:
    """Roll back whatever a failed request left open, so the error page can still read."""
    db.session.rollback()
