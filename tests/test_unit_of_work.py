"""The unit of work: the one place a view's transaction ends, and what each outcome does."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select
from wtforms import StringField

import portal.services
from portal.extensions import db
from portal.forms import PortalForm
from portal.models import Category, SmsMessage
from portal.services import DomainError
from portal.services.accounts import LoginRefused
from portal.services.claims import NikTaken
from portal.services.otp import OtpRejected
from portal.services.purchases import PriceChanged
from portal.services.sms import send_sms
from portal.services.throttle import LoginThrottled, PasswordLoginClosed
from portal.unit_of_work import transaction, unit_of_work


class NameForm(PortalForm):
    name = StringField("Name")


@pytest.fixture
def page(app):
    """A request with a form (no CSRF: nothing is posted), as a view has."""
    with app.test_request_context("/"):
        yield NameForm(meta={"csrf": False})


def _write() -> None:
    db.session.add(Category(slug="teknologi", name="Teknologi Informasi"))
    db.session.flush()


def _queued() -> int:
    return db.session.scalar(select(func.count(SmsMessage.id)))


def _kept() -> int:
    db.session.rollback()  # whatever the unit of work left uncommitted is gone now
    return db.session.scalar(select(func.count()).select_from(Category))


def test_success_commits(page):
    with unit_of_work(page) as work:
        _write()
    assert work.done and work.error is None and _kept() == 1


def test_a_refusal_is_rolled_back_and_shown_next_to_its_field(page):
    with unit_of_work(page) as work:
        _write()
        raise DomainError("This name is taken.", "name")
    assert not work.done and isinstance(work.error, DomainError)
    assert page.name.errors == ["This name is taken."] and _kept() == 0


def test_a_refusal_without_a_field_goes_above_the_form(page):
    with unit_of_work(page):
        raise DomainError("Not now.")
    assert page.form_errors == ["Not now."]


def test_a_refusal_without_a_form_is_flashed(page):
    with unit_of_work() as work:
        _write()
        raise DomainError("Not now.")
    assert not work.done and get_flashed_messages(with_categories=True) == [("error", "Not now.")] and _kept() == 0


@pytest.mark.parametrize("refusal", [OtpRejected("Wrong code.", "name"), LoginRefused("Wrong password.", "name")])
def test_a_refusal_that_keeps_its_writes_is_committed(page, refusal):
    with unit_of_work(page) as work:
        _write()  # stands for the failure count
        raise refusal
    assert not work.done and work.error is refusal and page.name.errors == [refusal.message]
    assert _kept() == 1


def test_an_sms_is_queued_in_the_transaction_and_rolled_back_with_it(page, sms):
    """No gateway is called inside a unit of work: the SMS is a row of the outbox, kept or not with the rest."""
    with unit_of_work(page) as work:
        _write()
        send_sms("+6281234567890", "Kode 123456")
        raise DomainError("refused")
    assert not work.done and _kept() == 0 and _queued() == 0
    with unit_of_work(page) as work:
        _write()
        send_sms("+6281234567890", "Kode 123456")
    assert work.done and _kept() == 1 and _queued() == 1
    assert [m.to for m in sms.sent] == ["+6281234567890"]  # delivered by the relay, afterwards


def test_an_unexpected_error_commits_nothing_and_is_raised(page):
    with pytest.raises(RuntimeError), unit_of_work(page) as work:
        _write()
        raise RuntimeError("a bug, or a lost connection")
    assert not work.done and work.error is None and page.form_errors == [] and _kept() == 0


def test_a_handled_refusal_is_left_for_the_view_to_show(page):
    class Pending(DomainError):
        pass

    with unit_of_work(page, handled=Pending) as work:
        _write()
        raise Pending("Activate first.")
    assert isinstance(work.error, Pending) and page.form_errors == [] and _kept() == 0


def test_transaction_commits_or_rolls_back_and_raises(app):
    with transaction():
        _write()
    assert _kept() == 1
    with pytest.raises(DomainError), transaction():
        db.session.add(Category(slug="bahasa", name="Bahasa"))
        raise DomainError("No.")
    assert _kept() == 1
    with pytest.raises(OtpRejected), transaction():
        db.session.add(Category(slug="bahasa", name="Bahasa"))
        raise OtpRejected("Wrong code.")
    assert _kept() == 2


def test_only_wrong_guesses_and_voided_codes_keep_their_writes():
    """A new refusal that keeps its writes is a security decision: it must be added here on purpose.
    Wrong codes and passwords keep their failure count; a proven payment code whose price changed
    keeps its consumption (void), and nothing else: it is raised before any money moves."""
    for module in pkgutil.iter_modules(portal.services.__path__, "portal.services."):
        importlib.import_module(module.name)
    keepers, seen, todo = set(), set(), [DomainError]
    while todo:
        kind = todo.pop()
        seen.add(kind)
        keepers |= {kind} if kind.keeps_writes else set()
        todo += [sub for sub in kind.__subclasses__() if sub not in seen and sub.__module__.startswith("portal.")]
    # NikTaken keeps the claim offer it carries (what the holder typed, the password hashed), no count;
    # the password back-off's two refusals are wrong passwords too: their count must stick.
    assert keepers == {OtpRejected, LoginRefused, PriceChanged, NikTaken, LoginThrottled, PasswordLoginClosed}
