"""The training catalogue as people browse it: search, featured programmes, a programme's offers.

Every listing is built from programmes aggregated over their *published* offerings, so a
programme appears only while some lembaga actually offers it, and the price shown is the lowest
price a participant could pay among the offerings that match.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.sql.expression import ColumnCollection

from portal.extensions import db
from portal.models.catalogue import Category, Offering, Programme, Provider
from portal.models.learning import Review
from portal.services.paging import Paged, fetch_page
from portal.services.reviews import Rating, rating_from, ratings_subquery

SORTS = ("relevan", "termurah", "termahal", "judul", "penyedia")
MAX_QUERY_WORDS = 8  # more words add nothing but slower LIKE clauses


@dataclass(frozen=True)
class SearchCriteria:
    """What a visitor asked the catalogue for; `None`/empty means "any"."""

    q: str = ""
    category: str | None = None  # Category.slug
    province: str | None = None  # BPS 2-digit code
    mode: str | None = None  # daring / luring / campuran
    prakerja_only: bool = False
    price_min: int | None = None
    price_max: int | None = None
    sort: str = "relevan"


@dataclass(frozen=True)
class ProgrammeSummary:
    """One programme in a listing, with figures over its matching published offerings."""

    id: int
    title: str
    slug: str
    category_name: str
    lowest_price: int
    provider_count: int
    has_prakerja: bool


@dataclass(frozen=True)
class ProgrammeDetail:
    """A programme (category loaded), its published offerings (providers loaded) and their ratings
    (by offering id; offerings without reviews are absent)."""

    programme: Programme
    offerings: list[Offering]
    ratings: dict[int, Rating]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _offering_filters(criteria: SearchCriteria) -> list:
    filters = [Offering.published.is_(True)]
    if criteria.province:
        filters.append(Offering.province_code == criteria.province)
    if criteria.mode:
        filters.append(Offering.mode == criteria.mode)
    if criteria.prakerja_only:
        filters.append(Provider.prakerja_label.is_(True))
    if criteria.price_min is not None:
        filters.append(Offering.price >= criteria.price_min)
    if criteria.price_max is not None:
        filters.append(Offering.price <= criteria.price_max)
    return filters


def _query_words(q: str) -> list[str]:
    return q.split()[:MAX_QUERY_WORDS]


def _text_filters(words: Sequence[str]) -> list:
    # Every word must appear somewhere: in the title, the description or the category name.
    clauses = []
    for word in words:
        pattern = f"%{_escape_like(word)}%"
        clauses.append(or_(
            Programme.title.ilike(pattern, escape="\\"),
            Programme.description.ilike(pattern, escape="\\"),
            Category.name.ilike(pattern, escape="\\"),
        ))
    return clauses


def _summaries(criteria: SearchCriteria) -> tuple[Select, ColumnCollection]:
    """The grouped query (unordered) and its aggregate columns, for counting and for paging."""
    labelled = func.max(case((Provider.prakerja_label.is_(True), 1), else_=0))
    matching = (
        select(
            Offering.programme_id.label("programme_id"),
            func.min(Offering.price).label("lowest_price"),
            func.count(distinct(Offering.provider_id)).label("provider_count"),
            labelled.label("labelled"),
        )
        .join(Provider, Provider.id == Offering.provider_id)
        .where(*_offering_filters(criteria))
        .group_by(Offering.programme_id)
        .subquery("matching")
    )
    query = (
        select(
            Programme.id, Programme.title, Programme.slug, Category.name.label("category_name"),
            matching.c.lowest_price, matching.c.provider_count, matching.c.labelled,
        )
        .join(matching, matching.c.programme_id == Programme.id)
        .join(Category, Category.id == Programme.category_id)
        .where(*_text_filters(_query_words(criteria.q)))
    )
    if criteria.category:
        query = query.where(Category.slug == criteria.category)
    return query, matching.c


def _ordering(criteria: SearchCriteria, columns: ColumnCollection) -> list:
    lowest, providers, labelled = columns.lowest_price, columns.provider_count, columns.labelled
    title = func.lower(Programme.title)
    by_sort = {
        "termurah": [lowest.asc()],
        "termahal": [lowest.desc()],
        "judul": [title.asc()],
        "penyedia": [providers.desc(), title.asc()],
    }
    if criteria.sort in by_sort:
        return [*by_sort[criteria.sort], Programme.id.asc()]
    # "relevan": title hits first (the visitor most likely typed a course name), then what the
    # card can buy (labelled), then the widest choice of lembaga.
    words = _query_words(criteria.q)
    title_hits = [title.like(f"%{_escape_like(w.lower())}%", escape="\\") for w in words]
    first = [case((and_(*title_hits), 0), else_=1)] if title_hits else []
    return [*first, labelled.desc(), providers.desc(), title.asc(), Programme.id.asc()]


def _summary(row) -> ProgrammeSummary:
    return ProgrammeSummary(
        id=row.id, title=row.title, slug=row.slug, category_name=row.category_name,
        lowest_price=int(row.lowest_price), provider_count=int(row.provider_count),
        has_prakerja=bool(row.labelled),
    )


def search_programmes(criteria: SearchCriteria, page: int, per_page: int) -> Paged:
    """Programmes matching `criteria` as ProgrammeSummary items, `per_page` at a time (page counts
    from 1). Two statements (services/paging.py); past the end the page is empty and `beyond_last`."""
    query, columns = _summaries(criteria)
    return fetch_page(query.order_by(*_ordering(criteria, columns)), page, per_page, shape=_summary)


def featured_programmes(limit: int) -> list[ProgrammeSummary]:
    """A few programmes for the home page: labelled ones and those with most lembaga first."""
    criteria = SearchCriteria()
    query, columns = _summaries(criteria)
    rows = db.session.execute(query.order_by(*_ordering(criteria, columns)).limit(limit))
    return [_summary(r) for r in rows]


def programme_detail(slug: str) -> ProgrammeDetail | None:
    """The programme called `slug` and its published offerings, labelled lembaga first, then
    cheapest first, each with its rating; None when no programme has that slug. Two statements,
    whatever the size."""
    programme = db.session.scalar(
        select(Programme).options(joinedload(Programme.category)).where(Programme.slug == slug)
    )
    if programme is None:
        return None
    of_programme = select(Offering.id).where(Offering.programme_id == programme.id)
    rated = ratings_subquery(Review.offering_id.in_(of_programme))
    rows = db.session.execute(
        select(Offering, rated.c.average, rated.c.count)
        .join(Offering.provider)
        .outerjoin(rated, rated.c.offering_id == Offering.id)
        .options(contains_eager(Offering.provider))
        .where(Offering.programme_id == programme.id, Offering.published.is_(True))
        .order_by(Provider.prakerja_label.desc(), Offering.price.asc(), Offering.start_date.asc(), Offering.id.asc())
    ).all()
    ratings = {offering.id: rating_from(average, count) for offering, average, count in rows if count}
    return ProgrammeDetail(programme=programme, offerings=[row[0] for row in rows], ratings=ratings)


def list_categories() -> list[Category]:
    """Every kejuruan, by name, for the catalogue's category filter."""
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))
