"""The PMO's side of the catalogue: categories (kejuruan) and programmes.

Neither is ever deleted: offerings, enrollments and certificates refer to them, and a bought
training must keep its title. A category is renamed instead; a programme is edited.

Slugs are public addresses (`/pelatihan/program/<slug>`, `?kategori=<slug>`). A category's slug is
made from its name once and kept when it is renamed, so shared links keep working; a programme's
slug may be chosen by the PMO or made from its title.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Category, Offering, Programme
from portal.services import DomainError
from portal.services.audit import Actor, record

MAX_CATEGORY_NAME = 80  # Category.name
MAX_CATEGORY_SLUG = 60  # Category.slug
MAX_TITLE = 160  # Programme.title
MAX_SLUG = 120  # Programme.slug
MAX_DESCRIPTION = 5000
MIN_HOURS, MAX_HOURS = 1, 1000
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CategoryRow:
    category: Category
    programmes: int


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    offerings: int


def slugify(text: str, max_length: int) -> str:
    """`Garmen / Menjahit` -> `garmen-menjahit`: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def _free_slug(model, base: str, max_length: int, exclude_id: int | None = None) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first one no other row of `model` uses."""
    taken_query = select(model.slug).where(or_(model.slug == base, model.slug.like(f"{base}-%")))
    if exclude_id is not None:
        taken_query = taken_query.where(model.id != exclude_id)
    taken = set(db.session.scalars(taken_query))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _flush_or_refuse(message, field: str) -> None:
    """Flush; a unique slug taken at the same moment by another admin is a refusal (the caller
    rolls back, as after any DomainError)."""
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(message, field) from None


# --- categories --------------------------------------------------------------------------------

def _checked_category_name(name: str, exclude_id: int | None = None) -> str:
    name = _clean(name)
    if not name:
        raise DomainError(_l("Enter the category's name."), "name")
    if len(name) > MAX_CATEGORY_NAME:
        raise DomainError(_l("A category's name has at most %(max)d characters.", max=MAX_CATEGORY_NAME), "name")
    same = select(Category.id).where(func.lower(Category.name) == func.lower(name))
    if exclude_id is not None:
        same = same.where(Category.id != exclude_id)
    if db.session.scalar(same.limit(1)) is not None:
        raise DomainError(_l("A category with this name already exists."), "name")
    return name


def create_category(actor: Actor, name: str, now: datetime) -> Category:
    """Add a category; its slug is made from the name (unique, with `-2`... if needed)."""
    name = _checked_category_name(name)
    slug = _free_slug(Category, slugify(name, MAX_CATEGORY_SLUG) or "kategori", MAX_CATEGORY_SLUG)
    category = Category(name=name, slug=slug)
    db.session.add(category)
    _flush_or_refuse(_l("Another category was just added with this name. Try again."), "name")
    record(actor, "category.create", f"category:{category.id}", now, name=name, slug=slug)
    return category


def rename_category(actor: Actor, category: Category, name: str, now: datetime) -> None:
    """Rename a category. Its slug stays, so the catalogue's filter links keep working."""
    name = _checked_category_name(name, exclude_id=category.id)
    before = category.name
    if name == before:
        return
    category.name = name
    db.session.flush()
    record(actor, "category.rename", f"category:{category.id}", now, before=before, after=name)


def categories_for_admin() -> list[CategoryRow]:
    """Every category by name, with how many programmes it holds."""
    counts = select(Programme.category_id, func.count(Programme.id).label("n")).group_by(Programme.category_id)
    counts = counts.subquery()
    rows = db.session.execute(
        select(Category, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.category_id == Category.id)
        .order_by(Category.name, Category.id)
    ).all()
    return [CategoryRow(category, int(n)) for category, n in rows]


def category_or_none(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))


# --- programmes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgrammeFields:
    """What the PMO types for a programme; `slug` empty means "make it from the title"."""

    title: str
    category_id: int | None
    hours: int | None
    description: str
    slug: str = ""


def _checked_programme(fields: ProgrammeFields, exclude_id: int | None = None) -> dict:
    title, description, slug = _clean(fields.title), (fields.description or "").strip(), (fields.slug or "").strip()
    if not title:
        raise DomainError(_l("Enter the programme's title."), "title")
    if len(title) > MAX_TITLE:
        raise DomainError(_l("A programme's title has at most %(max)d characters.", max=MAX_TITLE), "title")
    same = select(Programme.id).where(func.lower(Programme.title) == func.lower(title))
    if exclude_id is not None:
        same = same.where(Programme.id != exclude_id)
    if db.session.scalar(same.limit(1)) is not None:
        raise DomainError(_l("A programme with this title already exists."), "title")
    category = db.session.get(Category, fields.category_id) if fields.category_id else None
    if category is None:
        raise DomainError(_l("Choose a category from the list."), "category")
    if fields.hours is None or not MIN_HOURS <= fields.hours <= MAX_HOURS:
        raise DomainError(_l("Enter the hours as a whole number from %(low)d to %(high)d.",
                             low=MIN_HOURS, high=MAX_HOURS), "hours")
    if not description:
        raise DomainError(_l("Enter a description of the programme."), "description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(_l("The description has at most %(max)d characters.", max=MAX_DESCRIPTION), "description")
    if slug:
        if len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug):
            raise DomainError(_l("The address may hold only lower-case letters, digits and single hyphens "
                                 "(at most %(max)d characters).", max=MAX_SLUG), "slug")
        other = select(Programme.id).where(Programme.slug == slug)
        if exclude_id is not None:
            other = other.where(Programme.id != exclude_id)
        if db.session.scalar(other.limit(1)) is not None:
            raise DomainError(_l("Another programme already uses this address."), "slug")
    else:
        slug = _free_slug(Programme, slugify(title, MAX_SLUG) or "program", MAX_SLUG, exclude_id)
    return dict(title=title, category_id=category.id, hours=fields.hours, description=description, slug=slug)


def create_programme(actor: Actor, fields: ProgrammeFields, now: datetime) -> Programme:
    """Add a programme to a category. Raises DomainError naming the field for an empty, too long,
    duplicate or out-of-range value."""
    values = _checked_programme(fields)
    programme = Programme(**values)
    db.session.add(programme)
    _flush_or_refuse(_l("Another programme already uses this address."), "slug")
    record(actor, "programme.create", f"programme:{programme.id}", now, title=values["title"], slug=values["slug"],
           category_id=values["category_id"], hours=values["hours"])
    return programme


def edit_programme(actor: Actor, programme: Programme, fields: ProgrammeFields, now: datetime) -> None:
    """Change a programme's title, category, hours, description or address (same checks as
    `create_programme`). The audit event lists what changed, before and after."""
    values = _checked_programme(fields, exclude_id=programme.id)
    changed = {name: [getattr(programme, name), value] for name, value in values.items()
               if getattr(programme, name) != value}
    if not changed:
        return
    for name, value in values.items():
        setattr(programme, name, value)
    _flush_or_refuse(_l("Another programme already uses this address."), "slug")
    shown = {name: pair if name != "description" else ["…", "…"] for name, pair in changed.items()}
    record(actor, "programme.edit", f"programme:{programme.id}", now, changed=shown)


def programmes_for_admin(category_id: int | None = None) -> list[ProgrammeRow]:
    """Programmes by title (optionally of one category) with their category and offering count."""
    counts = select(Offering.programme_id, func.count(Offering.id).label("n")).group_by(Offering.programme_id)
    counts = counts.subquery()
    query = (
        select(Programme, func.coalesce(counts.c.n, 0)).join(Programme.category)
        .outerjoin(counts, counts.c.programme_id == Programme.id)
        .order_by(Programme.title, Programme.id)
    )
    if category_id is not None:
        query = query.where(Programme.category_id == category_id)
    return [ProgrammeRow(programme, int(n)) for programme, n in db.session.execute(query).all()]


def programme_or_none(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)
