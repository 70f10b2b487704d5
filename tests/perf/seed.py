"""A believable catalogue of any size, inserted in bulk (core INSERTs, not one factory per row).

`seed_catalogue(10_000)` takes a few seconds at most: categories, programmes, providers across the
provinces (two in three carrying the Kartu Prakerja label), offerings of every mode, price and
state (full, unpublished), the sessions of every programme, and past participants who completed a
training of the journey's programme and reviewed it. The journey's programme, "Pemrograman Web
Dasar", gets one offering in twenty, so a page that ran a statement per offering would show it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from portal.extensions import db
from portal.models import (
    Card,
    Category,
    Enrollment,
    Offering,
    OfferingMode,
    Programme,
    Provider,
    ProviderKind,
    Review,
    TrainingSession,
    User,
    Wave,
)
from portal.regions import PROVINCES

JOURNEY_SLUG = "pemrograman-web-dasar"
JOURNEY_TITLE = "Pemrograman Web Dasar"
JOURNEY_PRICE = 750_000  # within the card's Rp1.000.000

CATEGORIES = {
    "teknologi-informasi": ("Teknologi Informasi", ["Desain Grafis", "Jaringan Komputer", "Analisis Data"]),
    "bisnis-manajemen": ("Bisnis dan Manajemen", ["Akuntansi UMKM", "Pemasaran Digital", "Administrasi Kantor"]),
    "pariwisata": ("Pariwisata", ["Pemandu Wisata", "Tata Graha Hotel", "Pelayanan Restoran"]),
    "otomotif": ("Otomotif", ["Servis Sepeda Motor", "Kelistrikan Mobil", "Tune Up Mesin Bensin"]),
    "garmen": ("Garmen dan Menjahit", ["Menjahit Busana Muslim", "Pola Pakaian Anak", "Bordir Komputer"]),
    "pengolahan-makanan": ("Pengolahan Makanan", ["Roti dan Kue", "Olahan Ikan", "Minuman Kemasan"]),
    "bahasa": ("Bahasa", ["Bahasa Inggris Perkantoran", "Bahasa Jepang Dasar", "Bahasa Korea untuk Kerja"]),
    "las": ("Las", ["Las Listrik SMAW", "Las MIG", "Las Pipa"]),
    "listrik": ("Listrik", ["Instalasi Listrik Rumah", "Panel Surya", "Perawatan AC"]),
    "pertanian": ("Pertanian", ["Hidroponik", "Budidaya Jamur", "Pupuk Organik"]),
}
LEVELS = ["Dasar", "Lanjutan", "Mahir", "untuk Pemula", "Praktis", "Terapan"]
CITIES = ["Bandung", "Surabaya", "Medan", "Makassar", "Semarang", "Palembang", "Denpasar", "Pontianak",
          "Jakarta Selatan", "Yogyakarta", "Malang", "Balikpapan", "Manado", "Padang", "Kupang"]
SESSION_TITLES = ["Pengenalan dan tujuan pelatihan", "Konsep dasar", "Praktik terbimbing", "Studi kasus",
                  "Evaluasi akhir"]


@dataclass(frozen=True)
class Catalogue:
    """What was seeded, for the test to find its way and to check what pages show."""

    offerings: int
    programmes: int  # with at least one published offering: what the catalogue lists
    providers: int
    journey_slug: str
    journey_offering_id: int  # labelled, published, seats left, priced within the card's balance
    journey_published: int  # published offerings of the journey's programme
    journey_province: str  # of the journey's offering
    reviews: int


def _ids(model, rows: list[dict]) -> list[int]:
    """Insert `rows` in one executemany and return their ids, in order."""
    if not rows:
        return []
    table = model.__table__  # Core, not the ORM's bulk path: several times faster for 10,000 rows
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def seed_catalogue(offerings: int, seed: int = 2021) -> Catalogue:
    """`offerings` offerings over programmes (one per 25 offerings, at least 20), providers (one per
    20, at least 12), every category and many provinces; commits."""
    rng = random.Random(seed)
    now = datetime(2021, 3, 1, 3, 0, tzinfo=UTC)
    slugs = list(CATEGORIES)
    category_ids = dict(zip(slugs, _ids(Category, [{"slug": s, "name": CATEGORIES[s][0]} for s in slugs]),
                            strict=True))

    programme_rows = [{"slug": JOURNEY_SLUG, "title": JOURNEY_TITLE, "hours": 40,
                       "description": "HTML, CSS, PHP dan MySQL untuk membuat situs web sederhana.",
                       "category_id": category_ids["teknologi-informasi"]}]
    for n in range(1, max(20, offerings // 25)):
        slug = slugs[n % len(slugs)]
        subject = CATEGORIES[slug][1][(n // len(slugs)) % 3]
        title = f"{subject} {LEVELS[(n // 30) % len(LEVELS)]} {n}"
        programme_rows.append({"slug": f"program-{n}", "title": title, "hours": rng.choice([16, 24, 32, 40, 60, 80]),
                               "description": f"Pelatihan {subject.lower()} untuk bekerja atau berwirausaha.",
                               "category_id": category_ids[slug]})
    programme_ids = _ids(Programme, programme_rows)
    journey_programme = programme_ids[0]

    codes = list(PROVINCES)
    provider_rows = []
    for n in range(max(12, offerings // 20)):
        kind = tuple(ProviderKind)[n % len(ProviderKind)]
        prefix = {"blk_pemerintah": "BLK", "blk_komunitas": "BLK Komunitas", "lpk_swasta": "LPK"}[kind]
        provider_rows.append({
            "name": f"{prefix} {CITIES[n % len(CITIES)]} {n + 1}", "kind": kind, "city": CITIES[n % len(CITIES)],
            "province_code": codes[n % len(codes)], "prakerja_label": n % 3 != 2, "accreditation": "A",
            "label_granted_at": now if n % 3 != 2 else None,
        })
    provider_ids = _ids(Provider, provider_rows)
    labelled = [pid for pid, row in zip(provider_ids, provider_rows, strict=True) if row["prakerja_label"]]
    provider_of = dict(zip(provider_ids, provider_rows, strict=True))

    def offering(programme_id: int, provider_id: int, **fixed) -> dict:
        provider = provider_of[provider_id]
        seats = rng.choice([10, 20, 30, 50])
        start = date(2021, 4, 1) + timedelta(days=rng.randrange(0, 90))
        row = {
            "programme_id": programme_id, "provider_id": provider_id, "price": rng.randrange(2, 21) * 50_000,
            "seats": seats, "seats_taken": rng.choice([0, 0, 1, seats // 2, seats]),
            "mode": rng.choice(tuple(OfferingMode)),
            "city": provider["city"], "province_code": provider["province_code"], "start_date": start,
            "end_date": start + timedelta(days=rng.choice([7, 14, 30])), "published": rng.random() > 0.05,
            "created_at": now,
        }
        row.update(fixed)
        return row

    journey_count = max(5, offerings // 20)
    offering_rows = [offering(journey_programme, labelled[0], price=JOURNEY_PRICE, seats=30, seats_taken=3,
                              published=True, mode="daring")]
    offering_rows += [offering(journey_programme, rng.choice(provider_ids)) for _ in range(journey_count - 1)]
    others = programme_ids[1:]
    # Every programme gets one offering, the rest go anywhere (so some programmes have many).
    for n in range(offerings - journey_count):
        programme_id = others[n] if n < len(others) else rng.choice(others)
        offering_rows.append(offering(programme_id, rng.choice(provider_ids)))
    offering_ids = _ids(Offering, offering_rows)

    db.session.execute(insert(TrainingSession.__table__), [
        {"programme_id": pid, "position": position, "title": title}
        for pid in programme_ids for position, title in enumerate(SESSION_TITLES, start=1)
    ])
    reviews = _seed_reviews(rng, offering_ids[:journey_count], count=offerings // 20, now=now)
    db.session.commit()

    listed = {row["programme_id"] for row in offering_rows if row["published"]}
    return Catalogue(
        offerings=len(offering_ids), programmes=len(listed), providers=len(provider_ids),
        journey_slug=JOURNEY_SLUG, journey_offering_id=offering_ids[0],
        journey_published=sum(1 for row in offering_rows[:journey_count] if row["published"]),
        journey_province=offering_rows[0]["province_code"], reviews=reviews,
    )


def _seed_reviews(rng: random.Random, offering_ids: list[int], count: int, now: datetime) -> int:
    """`count` past participants of a wave long closed, each with a completed, reviewed training."""
    wave_id = _ids(Wave, [{"number": 3, "quota": max(count, 1), "cards_issued": count, "opened_at": now,
                            "closed_at": now}])[0]
    people = [{"nik": f"3173{n:012d}", "full_name": f"Peserta Lama {n}", "mother_maiden_name": "Sri",
               "email": f"lama{n}@contoh.id", "phone": f"+62857{n:08d}", "password_hash": "-", "role": "job_seeker",
               "created_at": now, "activated_at": now, "session_version": 1, "failed_logins": 0}
              for n in range(count)]
    user_ids = _ids(User, people)
    card_ids = _ids(Card, [
        {"number": f"5{n:015d}", "holder_nik": person["nik"], "holder_name": person["full_name"],
         "phone": person["phone"], "wave_id": wave_id, "accepted_at": now, "deadline_at": now + timedelta(days=30),
         "balance": 0, "status": "active", "first_purchase_at": now, "created_at": now}
        for n, person in enumerate(people)
    ])
    chosen = [rng.choice(offering_ids) for _ in range(count)]
    enrollment_ids = _ids(Enrollment, [
        {"user_id": uid, "card_id": cid, "offering_id": oid, "price_paid": 500_000, "purchased_at": now,
         "status": "completed", "started_at": now, "finished_at": now, "score": 80, "passed": True,
         "confirmed_at": now}
        for uid, cid, oid in zip(user_ids, card_ids, chosen, strict=True)
    ])
    if enrollment_ids:
        db.session.execute(insert(Review.__table__), [
            {"enrollment_id": eid, "offering_id": oid, "rating": rng.randint(3, 5), "text": "Materinya jelas.",
             "created_at": now}
            for eid, oid in zip(enrollment_ids, chosen, strict=True)
        ])
    return len(enrollment_ids)
