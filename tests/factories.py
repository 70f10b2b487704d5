"""Test factories: make what a test needs in one call, with believable defaults."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import count

from sqlalchemy import select, update

from portal import clock
from portal.extensions import db
from portal.models import (
    Card,
    Category,
    LedgerEntry,
    Offering,
    ParticipantProfile,
    PopulationRecord,
    Programme,
    Provider,
    User,
    Wave,
)
from portal.services.cards import issue_card
from portal.services.passwords import hash_password
from portal.services.population import record_person

NIK = "3273014508950003"  # Jawa Barat, perempuan, lahir 5 Agustus 1995
PASSWORD = "kopi susu gula aren"
PHONE = "+6281234567890"
MOTHER = "Sri Wahyuni"  # the mother's maiden name of every factory person
_serial = count(1)


@lru_cache(maxsize=4)
def _hash(password: str) -> str:
    return hash_password(password)  # scrypt is slow on purpose; hash each password once per run


def _now() -> datetime:
    return clock.now()


def create_user(
    nik: str = NIK, email: str | None = None, phone: str | None = None, password: str = PASSWORD,
    full_name: str = "Siti Rahmawati", active: bool = True, role: str = "job_seeker",
) -> User:
    n = next(_serial)
    user = User(
        nik=nik, full_name=full_name, mother_maiden_name=MOTHER,
        email=email or f"peserta{n}@contoh.id", phone=phone or (PHONE if nik == NIK else f"+62813{n:08d}"),
        password_hash=_hash(password),
        role=role, created_at=_now(), activated_at=_now() if active else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_person(nik: str = NIK, full_name: str = "Siti Rahmawati", mother: str = MOTHER) -> PopulationRecord:
    """A person the simulated population registry (Dukcapil) knows: who may open an account."""
    record = record_person(nik, full_name, mother, _now())
    db.session.commit()
    return record


def create_participant(user: User | None = None, **user_kwargs) -> User:
    user = user or create_user(**user_kwargs)
    db.session.add(ParticipantProfile(
        user_id=user.id, birth_date=date(1995, 8, 5), sex="P", education="sma", province_code="32",
        regency="Kota Bandung", address="Jl. Merdeka No. 1", created_at=_now(), updated_at=_now(),
    ))
    db.session.commit()
    return user


def create_category(name: str = "Teknologi Informasi", slug: str | None = None) -> Category:
    category = Category(name=name, slug=slug or f"kategori-{next(_serial)}")
    db.session.add(category)
    db.session.commit()
    return category


def create_programme(title: str = "Pemrograman Web Dasar", category: Category | None = None, **kw) -> Programme:
    n = next(_serial)
    programme = Programme(
        title=title, slug=kw.pop("slug", f"program-{n}"), description=kw.pop("description", "Belajar dasar."),
        hours=kw.pop("hours", 40), category=category or create_category(slug=f"kategori-{n}"), **kw,
    )
    db.session.add(programme)
    db.session.commit()
    return programme


def create_provider(name: str | None = None, labelled: bool = True, province_code: str = "32", **kw) -> Provider:
    provider = Provider(
        name=name or f"LPK Maju Bersama {next(_serial)}", kind=kw.pop("kind", "lpk_swasta"),
        city=kw.pop("city", "Bandung"), province_code=province_code, prakerja_label=labelled, **kw,
    )
    db.session.add(provider)
    db.session.commit()
    return provider


def create_offering(
    programme: Programme | None = None, provider: Provider | None = None, price: int = 500_000,
    seats: int = 20, mode: str = "daring", **kw,
) -> Offering:
    provider = provider or create_provider()
    start = kw.pop("start_date", date(2021, 4, 1))
    offering = Offering(
        programme=programme or create_programme(), provider=provider, price=price, seats=seats,
        seats_taken=kw.pop("seats_taken", 0), mode=mode, city=kw.pop("city", provider.city),
        province_code=kw.pop("province_code", provider.province_code), start_date=start,
        end_date=kw.pop("end_date", start + timedelta(days=14)), published=kw.pop("published", True),
        created_at=_now(), **kw,
    )
    db.session.add(offering)
    db.session.commit()
    return offering


def create_wave(number: int = 13, quota: int = 1000, opened_at: datetime | None = None,
                accepted_on: date | None = None) -> Wave:
    """A wave; accepted on the WIB day it opens unless `accepted_on` says otherwise."""
    day = {"accepted_on": accepted_on} if accepted_on else {}  # else the column's default: the day it opened
    wave = Wave(number=number, quota=quota, cards_issued=0, opened_at=opened_at or _now(), **day)
    db.session.add(wave)
    db.session.commit()
    return wave


def mark_bought(card: Card, at: datetime) -> Card:
    """A card that bought its first training at `at`, without the training: the card's stamp and its
    wave's `cards_bought` counter, as the purchase moves them (flush only)."""
    card.first_purchase_at = at
    db.session.execute(update(Wave).where(Wave.id == card.wave_id).values(cards_bought=Wave.cards_bought + 1))
    db.session.flush()
    return card


def create_card(
    user: User | None = None, wave: Wave | None = None, accepted_at: datetime | None = None,
    balance: int | None = None, phone: str = PHONE, **kw,
) -> Card:
    """A card issued through the real service (quota, ledger grant), for `user`'s NIK."""
    wave = wave or db.session.scalar(select(Wave).where(Wave.number == 13)) or create_wave()
    card = issue_card(
        nik=user.nik if user else kw.pop("nik", NIK), name=user.full_name if user else "Siti Rahmawati",
        phone=phone, wave_number=wave.number, accepted_at=accepted_at or _now(), now=_now(),
        mother=kw.pop("mother", MOTHER),
    )
    if balance is not None:  # a card that already spent part of its balance elsewhere
        spent = card.balance - balance
        card.balance = balance
        if spent:
            db.session.add(LedgerEntry(kind="purchase", card_id=card.id, amount=spent, created_at=_now()))
    db.session.commit()
    return card
