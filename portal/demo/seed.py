"""Write the demo catalogue of `portal.demo.world` to the database, idempotently.

Safe to run on every start of the demo: what already exists is left as it is, so offerings that
participants have bought (seats taken) are never duplicated or reset.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.demo import world
from portal.extensions import db
from portal.models.catalogue import Category, Offering, Programme, Provider


def seed_catalogue(today: date, now: datetime) -> dict[str, int]:
    """Insert the demo categories, programmes, providers and offerings that are missing.

    `today` is the base of the offerings' schedule (they start 7 to 90 days later); `now` is a
    timezone-aware UTC instant, stamped as the offerings' `created_at`. Categories and
    programmes are matched by slug, providers by name; a provider that already has offerings
    gets none added. Flushes but does not commit: the caller owns the transaction.

    Returns how many rows of each kind were created, e.g.
    {"categories": 10, "programmes": 40, "providers": 12, "offerings": 100} on an empty database
    and all zeros on a second run.
    """
    if now.tzinfo is None:
        raise ValueError("seed_catalogue needs a timezone-aware `now`")
    created = {"categories": 0, "programmes": 0, "providers": 0, "offerings": 0}
    session = db.session

    categories: dict[str, Category] = {}
    for slug, name in world.CATEGORIES:
        category = session.scalar(select(Category).filter_by(slug=slug))
        if category is None:
            category = Category(slug=slug, name=name)
            session.add(category)
            created["categories"] += 1
        categories[slug] = category

    programmes: dict[str, Programme] = {}
    for data in world.PROGRAMMES:
        programme = session.scalar(select(Programme).filter_by(slug=data["slug"]))
        if programme is None:
            programme = Programme(
                slug=data["slug"],
                title=data["title"],
                description=data["description"],
                hours=data["hours"],
                category=categories[data["category"]],
            )
            session.add(programme)
            created["programmes"] += 1
        programmes[data["slug"]] = programme

    providers: dict[str, Provider] = {}
    # Providers that already have offerings keep them as they are: we add none.
    stocked: set[str] = set()
    for data in world.PROVIDERS:
        provider = session.scalar(select(Provider).filter_by(name=data["name"]).limit(1))
        if provider is None:
            provider = Provider(
                name=data["name"],
                kind=data["kind"],
                city=data["city"],
                province_code=data["province_code"],
                prakerja_label=data["prakerja_label"],
            )
            session.add(provider)
            created["providers"] += 1
        else:
            has_offerings = select(Offering.id).filter_by(provider_id=provider.id).limit(1)
            if session.scalar(has_offerings) is not None:
                stocked.add(data["key"])
        providers[data["key"]] = provider

    for data in world.offerings(today):
        if data["provider"] in stocked:
            continue
        session.add(
            Offering(
                programme=programmes[data["programme"]],
                provider=providers[data["provider"]],
                price=data["price"],
                seats=data["seats"],
                seats_taken=0,
                mode=data["mode"],
                city=data["city"],
                province_code=data["province_code"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                published=True,
                created_at=now,
            )
        )
        created["offerings"] += 1

    session.flush()
    return created


def seed_demo(now: datetime) -> dict[str, int]:
    """The whole demo world: catalogue, each programme's sessions, waves and demo people."""
    from portal.clock import today_wib
    from portal.demo.people import seed_people
    from portal.demo.sessions import seed_training_sessions

    created = seed_catalogue(today_wib(now), now)
    created["sessions"] = seed_training_sessions()
    created["people"] = seed_people(now)
    return created
