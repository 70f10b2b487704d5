"""A lembaga's offerings: creating, editing, publishing and unpublishing them, and the session plan.

Rules (docs/domain.md, "The catalogue and the Kartu Prakerja label"):
- a price is whole rupiah from Rp0 to Rp10.000.000. The card's balance (Rp1.000.000) limits what a
  participant can buy, not what a lembaga may ask: a dearer training stays listed, unpayable by card;
- seats from 1, never below the seats already taken. The check is the UPDATE's own
  `WHERE seats_taken <= :seats`, so a purchase racing the edit cannot leave more taken than offered;
- the schedule ends on or after its start, and a new schedule does not start in the past (WIB);
- once an offering has registrants its price is fixed, published or not: unpublishing, editing and
  publishing again must not reprice what people bought (also guarded in the UPDATE). A payment code
  is bound to the price it showed, so a change before anyone registers voids codes already sent;
- a new offering starts unpublished (a draft), so the lembaga can check it and add the session plan
  before participants see it. Unpublishing only hides it and stops new purchases (the purchase
  service requires `published`); existing enrollments stay valid and can be worked through.

The session plan. Sessions (`TrainingSession`) belong to a *programme*, so every lembaga offering
that programme shares one plan and every participant's progress points at its rows. Letting each
lembaga edit that plan would change other lembaga's trainings under their participants, so a lembaga
may only write the plan of a programme that has none yet, and never once anyone has progress in it.
Per-offering plans need a schema change (sessions keyed by offering, progress migrated) left for later.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.clock import today_wib
from portal.extensions import db
from portal.formatting import rupiah
from portal.models import Enrollment, Offering, OfferingMode, Programme, Provider, SessionProgress, TrainingSession
from portal.regions import PROVINCES
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.providers import MAX_CITY, require_staff_of

MAX_PRICE = 10_000_000
MAX_SEATS = 10_000
MAX_SESSIONS = 30
MAX_SESSION_TITLE = 160  # TrainingSession.title
_PLAN_FIXED = _l("This programme already has its sessions (shared by every provider offering it); "
                 "they can no longer be changed here.")
_TERMS = ("price", "seats", "mode", "city", "province_code", "start_date", "end_date")


def offering_of(provider: Provider, offering_id: int) -> Offering | None:
    """The offering `offering_id` with its programme, if it belongs to `provider`; else None."""
    return db.session.scalar(
        select(Offering).options(joinedload(Offering.programme))
        .where(Offering.id == offering_id, Offering.provider_id == provider.id)
    )


def programme_choices() -> list[tuple[int, str]]:
    """Every programme a lembaga may offer, by title: (id, title)."""
    return [tuple(row) for row in db.session.execute(select(Programme.id, Programme.title)
                                                     .order_by(Programme.title, Programme.id))]


def _check_terms(price: int, seats: int, mode: str, city: str, province_code: str, start_date: date,
                 end_date: date) -> None:
    if not 0 <= price <= MAX_PRICE:
        raise DomainError(_l("The price must be from Rp0 to %(max)s.", max=rupiah(MAX_PRICE)), "price")
    if not 1 <= seats <= MAX_SEATS:
        raise DomainError(_l("The number of seats must be from 1 to %(max)d.", max=MAX_SEATS), "seats")
    if mode not in tuple(OfferingMode):
        raise DomainError(_l("Choose a training mode from the list."), "mode")
    if not city or len(city) > MAX_CITY:
        raise DomainError(_l("Enter the city (at most %(max)d characters).", max=MAX_CITY), "city")
    if province_code not in PROVINCES:
        raise DomainError(_l("Choose a province from the list."), "province")
    if end_date < start_date:
        raise DomainError(_l("The end date cannot be before the start date."), "end_date")


def _check_not_past(start_date: date, now: datetime) -> None:
    if start_date < today_wib(now):
        raise DomainError(_l("The start date cannot be in the past."), "start_date")


def create_offering(actor: Actor, provider: Provider, programme_id: int, price: int, seats: int, mode: str,
                    city: str, province_code: str, start_date: date, end_date: date, now: datetime) -> Offering:
    """A new, unpublished offering of programme `programme_id` by `provider`.

    Raises DomainError (naming the field) for an unknown programme or terms outside the rules.
    """
    require_staff_of(actor, provider.id)
    city = " ".join(city.split())
    if db.session.get(Programme, programme_id) is None:
        raise DomainError(_l("Choose a programme from the list."), "programme")
    _check_terms(price, seats, mode, city, province_code, start_date, end_date)
    _check_not_past(start_date, now)
    offering = Offering(
        programme_id=programme_id, provider_id=provider.id, price=price, seats=seats, seats_taken=0, mode=mode,
        city=city, province_code=province_code, start_date=start_date, end_date=end_date, published=False,
        created_at=now,
    )
    db.session.add(offering)
    db.session.flush()
    record(actor, "offering.create", f"offering:{offering.id}", now, programme_id=programme_id,
           **{name: getattr(offering, name) for name in _TERMS})
    return offering


def update_offering(actor: Actor, offering: Offering, price: int, seats: int, mode: str, city: str,
                    province_code: str, start_date: date, end_date: date, now: datetime) -> None:
    """Change an offering's terms (its programme stays). One guarded UPDATE decides, against the
    row as it is now, that seats stay at or above those taken and that a published offering with
    registrants (published or not) keeps its price; a refusal names the field."""
    require_staff_of(actor, offering.provider_id)
    city = " ".join(city.split())
    _check_terms(price, seats, mode, city, province_code, start_date, end_date)
    if start_date != offering.start_date:
        _check_not_past(start_date, now)
    before = {name: getattr(offering, name) for name in _TERMS}
    after = dict(price=price, seats=seats, mode=mode, city=city, province_code=province_code,
                 start_date=start_date, end_date=end_date)
    changed = db.session.execute(
        update(Offering)
        .where(
            Offering.id == offering.id, Offering.provider_id == actor.user.provider_id,
            Offering.seats_taken <= seats,
            or_(Offering.price == price, Offering.seats_taken == 0),
        )
        .values(**after)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(offering)
    if changed != 1:
        _explain_refused_update(offering, price, seats)
    record(actor, "offering.update", f"offering:{offering.id}", now,
           changed={name: [before[name], value] for name, value in after.items() if before[name] != value})


def _explain_refused_update(offering: Offering, price: int, seats: int) -> None:
    if offering.seats_taken > seats:
        raise DomainError(_l("%(taken)d seats are already taken: the number of seats cannot be lower.",
                             taken=offering.seats_taken), "seats")
    if offering.seats_taken > 0 and offering.price != price:
        raise DomainError(_l("This training already has registrants, so its price of %(price)s can no longer "
                             "change.", price=rupiah(offering.price)), "price")
    raise DomainError(_l("The training changed in the meantime. Check the values and save again."))


def publish(actor: Actor, offering: Offering, now: datetime) -> bool:
    """Show the offering in the catalogue. True if this call published it (a repeat is a no-op).

    An offering whose schedule has already ended cannot be published.
    """
    require_staff_of(actor, offering.provider_id)
    if offering.end_date < today_wib(now):
        raise DomainError(_l("This training has already ended, so it cannot be published."))
    return _set_published(actor, offering, True, now)


def unpublish(actor: Actor, offering: Offering, now: datetime) -> bool:
    """Hide the offering from the catalogue and stop new purchases; enrollments stay valid.
    True if this call unpublished it (a repeat is a no-op)."""
    require_staff_of(actor, offering.provider_id)
    return _set_published(actor, offering, False, now)


def _set_published(actor: Actor, offering: Offering, published: bool, now: datetime) -> bool:
    changed = db.session.execute(
        update(Offering)
        .where(Offering.id == offering.id, Offering.published.is_(not published))
        .values(published=published)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(offering)
    if changed == 1:
        record(actor, "offering.publish" if published else "offering.unpublish", f"offering:{offering.id}", now)
    return changed == 1


def session_plan(offering: Offering) -> list[TrainingSession]:
    """The sessions of the offering's programme, in order (shared by every lembaga offering it)."""
    return list(db.session.scalars(
        select(TrainingSession).where(TrainingSession.programme_id == offering.programme_id)
        .order_by(TrainingSession.position)
    ))


def can_set_session_plan(offering: Offering) -> bool:
    """True while the programme has no session and nobody has progress in it."""
    has_session = exists().where(TrainingSession.programme_id == offering.programme_id)
    has_progress = (
        exists().where(SessionProgress.enrollment_id == Enrollment.id, Enrollment.offering_id == Offering.id,
                       Offering.programme_id == offering.programme_id)
    )
    return not db.session.scalar(select(or_(has_session, has_progress)))


def set_session_plan(actor: Actor, offering: Offering, titles: list[str], now: datetime) -> list[TrainingSession]:
    """Write the programme's sessions, in the order given, when it has none yet (see the module's
    docstring). A plan written at the same moment by another lembaga wins; this one is refused."""
    require_staff_of(actor, offering.provider_id)
    titles = [" ".join(title.split()) for title in titles]
    titles = [title for title in titles if title]
    if not 1 <= len(titles) <= MAX_SESSIONS:
        raise DomainError(_l("Enter from 1 to %(max)d sessions, one per line.", max=MAX_SESSIONS), "titles")
    if any(len(title) > MAX_SESSION_TITLE for title in titles):
        raise DomainError(_l("A session title has at most %(max)d characters.", max=MAX_SESSION_TITLE), "titles")
    if not can_set_session_plan(offering):
        raise DomainError(_PLAN_FIXED)
    sessions = [TrainingSession(programme_id=offering.programme_id, position=n, title=title)
                for n, title in enumerate(titles, start=1)]
    try:
        with db.session.begin_nested():  # another lembaga may write position 1 first
            db.session.add_all(sessions)
    except IntegrityError:
        raise DomainError(_PLAN_FIXED) from None
    record(actor, "programme.set_session_plan", f"programme:{offering.programme_id}", now,
           offering_id=offering.id, sessions=len(sessions))
    return sessions
