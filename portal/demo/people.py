"""The demo's people: waves 12–17 and ready-made accounts, each at an interesting moment.

Their dates are relative to the portal's clock, so a fresh demo always has a card with 29 days
left and one on its last day. The password is shown on the login page in demo mode only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Card, CardStatus, Offering, Provider, Role, User, Wave
from portal.services.cards import days_left, issue_card
from portal.services.learning import mark_session_done, sessions_with_progress, start_training
from portal.services.participants import save_participant_profile
from portal.services.passwords import hash_password
from portal.services.population import find_record, record_person
from portal.services.purchases import buy_training
from portal.services.revocation import revoke_batch

DEMO_PASSWORD = "coba simulasi saja"
# wave number -> (days before now it opened, quota)
WAVES = {12: (150, 5000), 13: (120, 5000), 14: (90, 5000), 15: (60, 5000), 16: (29, 5000), 17: (1, 5000)}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    label: str  # what the login page says this account shows (translated)
    nik: str
    name: str
    email: str
    phone: str
    role: Role = Role.JOB_SEEKER
    card_wave: int | None = None  # accepted when that wave opened
    buys: bool = False
    provider: str | None = None  # the lembaga a staff account belongs to
    mother: str = "Sri Wahyuni"  # the mother's maiden name in the population registry


PEOPLE = (
    DemoPerson("fresh", _l("Participant, new card (29 days left)"), "3273014508950003", "Siti Rahmawati",
               "siti@demo.prakerja.id", "+6281200000001", card_wave=17),
    DemoPerson("last-day", _l("Participant, last day (1 day left)"), "3578061203900002", "Agus Setiawan",
               "agus@demo.prakerja.id", "+6281200000002", card_wave=16, mother="Suryani"),
    DemoPerson("bought", _l("Participant whose training waits for the provider's confirmation"),
               "3471025511980001", "Dewi Lestari", "dewi@demo.prakerja.id", "+6281200000003", card_wave=16,
               buys=True, mother="Kartini"),
    DemoPerson("revoked", _l("Participant whose card was revoked (blacklisted)"), "3374011507920006",
               "Joko Susilo", "joko@demo.prakerja.id", "+6281200000006", card_wave=12, mother="Sumarni"),
    DemoPerson("provider", _l("Training provider staff"), "3171022002850004", "Bambang Wijaya",
               "lembaga@demo.prakerja.id", "+6281200000004", role=Role.PROVIDER_STAFF,
               provider="LPK Cipta Karya Mandiri", mother="Tuminah"),
    DemoPerson("admin", _l("Admin (programme management, PMO)"), "3171034107880005", "Rina Kusuma",
               "admin@demo.prakerja.id", "+6281200000005", role=Role.ADMIN, mother="Endang Rahayu"),
)

# People the population registry knows who have no account yet: the README's presenter creates
# Rina's with Buat Akun (NIK 3273014508950011, Rina Marlina, mother's maiden name Sri Wahyuni).
NEWCOMERS = (("3273014508950011", "Rina Marlina", "Sri Wahyuni"),)


def seed_population(now: datetime) -> int:
    """Every demo person and newcomer in the simulated population registry; idempotent by NIK."""
    created = 0
    for nik, name, mother in [(p.nik, p.name, p.mother) for p in PEOPLE] + list(NEWCOMERS):
        if find_record(nik) is None:
            record_person(nik, name, mother, now)
            created += 1
    return created


def seed_waves(now: datetime) -> int:
    """Waves 12–17, opened at their days before `now`; existing ones are left alone."""
    created = 0
    for number, (days_ago, quota) in WAVES.items():
        if db.session.scalar(select(Wave.id).where(Wave.number == number)) is None:
            db.session.add(Wave(number=number, quota=quota, cards_issued=0, opened_at=now - timedelta(days=days_ago)))
            created += 1
    db.session.flush()
    return created


def _account(person: DemoPerson, password_hash: str, now: datetime) -> User:
    provider_id = None
    if person.provider:
        provider_id = db.session.scalar(select(Provider.id).where(Provider.name == person.provider))
    user = User(nik=person.nik, full_name=person.name, mother_maiden_name=person.mother, email=person.email,
                phone=person.phone, password_hash=password_hash, role=person.role,
                provider_id=provider_id, created_at=now, activated_at=now)
    db.session.add(user)
    db.session.flush()
    if person.role == Role.JOB_SEEKER:  # birth date and sex come from the NIK, as for anyone
        save_participant_profile(user, "sma", person.nik[:2], "Kota Demo", "Jl. Simulasi No. 1", now)
    return user


DEMO_PROVIDER = "LPK Cipta Karya Mandiri"  # the demo staff's lembaga; Dewi trained there
LABEL_REQUEST_FROM = "BLK Makassar"  # an unlabelled lembaga waiting for the admin's answer


def _offering_at(provider_name: str) -> Offering | None:
    return db.session.scalar(
        select(Offering).join(Provider).where(Provider.name == provider_name, Provider.prakerja_label.is_(True),
                                              Offering.published.is_(True), Offering.seats_taken < Offering.seats)
        .order_by(Offering.price, Offering.id).limit(1)
    )


def _work_through(user: User, enrollment, at: datetime) -> None:
    """Start the training and mark every session done: it then waits for the lembaga's confirmation."""
    start_training(user, enrollment, at)
    for step in sessions_with_progress(enrollment):
        mark_session_done(user, enrollment, step.id, at)


def seed_people(now: datetime) -> int:
    """The demo accounts, their profiles and cards (and one purchase); idempotent by email."""
    seed_waves(now)
    seed_population(now)
    created = 0
    password_hash = None  # one scrypt hash for all: the password is public, and each costs half a second
    for person in PEOPLE:
        if db.session.scalar(select(User.id).where(User.email == person.email)):
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = _account(person, password_hash, now)
        created += 1
        if person.card_wave is None:
            continue
        opened = db.session.scalar(select(Wave.opened_at).where(Wave.number == person.card_wave))
        card = issue_card(person.nik, person.name, person.phone, person.card_wave, opened, now)
        offering = _offering_at(DEMO_PROVIDER) if person.buys else None
        if offering is not None:  # the catalogue is seeded first; without it there is nothing to buy
            db.session.refresh(user)
            enrollment = buy_training(user, card, offering, opened + timedelta(days=3))
            _work_through(user, enrollment, opened + timedelta(days=4))
    # Wave 12's card is long past its deadline: the sweep itself revokes it, as it would live.
    revoke_batch(now, batch_size=1000)
    # A pending label request for the admin to answer (no staff account to make it through the UI).
    db.session.execute(
        update(Provider).where(Provider.name == LABEL_REQUEST_FROM, Provider.prakerja_label.is_(False),
                               Provider.label_requested_at.is_(None)).values(label_requested_at=now)
    )
    return created


@dataclass(frozen=True)
class DemoLogin:
    label: object  # a lazy translated string
    login: str
    card_number: str | None
    days_left: int | None


def demo_logins(now: datetime) -> list[DemoLogin]:
    """What the login page shows in demo mode: who to log in as, and their card numbers."""
    cards = {c.holder_nik: c for c in db.session.scalars(
        select(Card).where(Card.holder_nik.in_([p.nik for p in PEOPLE]), Card.status == CardStatus.ACTIVE))}
    logins = []
    for person in PEOPLE:
        card = cards.get(person.nik)
        logins.append(DemoLogin(person.label, person.email, card.number if card else None,
                                days_left(card, now) if card and not card.first_purchase_at else None))
    return logins
