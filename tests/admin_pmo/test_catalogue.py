"""Kategori and Program: add, rename, edit; empty, too long and duplicate values are refused."""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Category, Programme
from tests.admin_pmo import audit_actions, field_error, login_admin, submit
from tests.factories import create_category, create_offering, create_programme

CATEGORIES = "/admin/kategori"
PROGRAMMES = "/admin/program"


def categories() -> list[tuple[str, str]]:
    return [tuple(r) for r in db.session.execute(select(Category.name, Category.slug).order_by(Category.id))]


def add_category(client, name: str):
    return submit(client, client.get(CATEGORIES), CATEGORIES, name=name)


def test_categories_get_unique_slugs_made_from_their_names(client, auth):
    login_admin(auth)
    page = add_category(client, "  Garmen /  Menjahit ")
    assert page.request.path == CATEGORIES
    add_category(client, "Garmen – Menjahit")
    add_category(client, "Pengolahan Makanan")
    assert categories() == [("Garmen / Menjahit", "garmen-menjahit"), ("Garmen – Menjahit", "garmen-menjahit-2"),
                            ("Pengolahan Makanan", "pengolahan-makanan")]
    html = page.get_data(as_text=True)
    assert 'data-slug="garmen-menjahit"' in html
    assert [a for a, _ in audit_actions()] == ["category.create"] * 3


@pytest.mark.parametrize("name, field_id", [("", "name"), ("   ", "name"), ("x" * 81, "name"),
                                             ("teknologi informasi", "name")])
def test_bad_category_names_are_refused(client, auth, name, field_id):
    create_category("Teknologi Informasi", slug="teknologi-informasi")
    login_admin(auth)
    page = add_category(client, name)
    assert page.status_code == 200 and page.request.path == CATEGORIES
    assert field_error(page.get_data(as_text=True), field_id)
    assert categories() == [("Teknologi Informasi", "teknologi-informasi")] and audit_actions() == []


def test_renaming_keeps_the_slug(client, auth):
    category = create_category("Teknologi Informasi", slug="teknologi-informasi")
    other = create_category("Bahasa", slug="bahasa")
    login_admin(auth)
    action = f"{CATEGORIES}/{category.id}/ganti-nama"
    submit(client, client.get(CATEGORIES), action, **{f"category-{category.id}-name": "Teknologi Digital"})
    assert categories() == [("Teknologi Digital", "teknologi-informasi"), ("Bahasa", "bahasa")]
    assert audit_actions() == [("category.rename", f"category:{category.id}")]
    for bad in ("", "x" * 81, "BAHASA"):
        html = submit(client, client.get(CATEGORIES), action,
                      **{f"category-{category.id}-name": bad}).get_data(as_text=True)
        assert field_error(html, f"category-{category.id}-name")
        assert f'id="category-{other.id}-name-error"' not in html
    assert categories() == [("Teknologi Digital", "teknologi-informasi"), ("Bahasa", "bahasa")]
    assert len(audit_actions()) == 1


def test_categories_and_programmes_are_never_deleted(client, auth):
    category = create_category()
    programme = create_programme(category=category)
    login_admin(auth)
    for url, allowed in ((CATEGORIES, {CATEGORIES, f"{CATEGORIES}/{category.id}/ganti-nama"}),
                         (f"{PROGRAMMES}/{programme.id}", {f"{PROGRAMMES}/{programme.id}"})):
        actions = set(re.findall(r'<form method="post" action="([^"]+)"', client.get(url).get_data(as_text=True)))
        assert {a for a in actions if a.startswith("/admin/")} == allowed


def programme_fields(in_category, **overrides):
    fields = {"title": "Pemasaran Digital untuk UMKM", "category": str(in_category.id), "hours": "24",
              "description": "Belajar memasarkan produk lewat media sosial.", "slug": ""}
    fields.update(overrides)
    return fields


def test_a_programme_is_added_and_edited(client, auth):
    category, other = create_category("Bisnis", slug="bisnis"), create_category("Pariwisata", slug="pariwisata")
    login_admin(auth)
    new = client.get(f"{PROGRAMMES}/baru")
    page = submit(client, new, f"{PROGRAMMES}/baru", **programme_fields(category))
    assert page.request.path == PROGRAMMES
    programme = db.session.scalar(select(Programme))
    assert (programme.title, programme.slug, programme.hours, programme.category_id) == (
        "Pemasaran Digital untuk UMKM", "pemasaran-digital-untuk-umkm", 24, category.id)
    assert f'id="programme-{programme.id}" data-slug="pemasaran-digital-untuk-umkm"' in page.get_data(as_text=True)

    edit_url = f"{PROGRAMMES}/{programme.id}"
    edit = client.get(edit_url)
    assert 'value="Pemasaran Digital untuk UMKM"' in edit.get_data(as_text=True)
    submit(client, edit, edit_url, title="Pemasaran Digital", category=str(other.id), hours="32",
           slug="pemasaran-digital")
    programme = db.session.get(Programme, programme.id)
    assert (programme.title, programme.slug, programme.hours, programme.category_id) == (
        "Pemasaran Digital", "pemasaran-digital", 32, other.id)
    assert audit_actions() == [("programme.create", f"programme:{programme.id}"),
                               ("programme.edit", f"programme:{programme.id}")]


@pytest.mark.parametrize("overrides, field_id", [
    ({"title": ""}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"title": "pemrograman web dasar"}, "title"),
    ({"category": ""}, "category"),
    ({"category": "9999"}, "category"),
    ({"hours": "0"}, "hours"),
    ({"hours": "1001"}, "hours"),
    ({"hours": "dua"}, "hours"),
    ({"description": ""}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"slug": "Huruf Besar"}, "slug"),
    ({"slug": "x" * 121}, "slug"),
    ({"slug": "web-dasar"}, "slug"),
])
def test_bad_programmes_are_refused(client, auth, overrides, field_id):
    existing = create_programme("Pemrograman Web Dasar", slug="web-dasar")
    login_admin(auth)
    page = submit(client, client.get(f"{PROGRAMMES}/baru"), f"{PROGRAMMES}/baru",
                  **programme_fields(existing.category, **overrides))
    assert page.status_code == 200 and page.request.path == f"{PROGRAMMES}/baru"
    assert field_error(page.get_data(as_text=True), field_id)
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 1 and audit_actions() == []


def test_editing_refuses_another_programmes_title_or_address(client, auth):
    create_programme("Pemrograman Web Dasar", slug="web-dasar")
    mine = create_programme("Desain Grafis", slug="desain-grafis")
    create_offering(programme=mine)
    login_admin(auth)
    url = f"{PROGRAMMES}/{mine.id}"
    for fields, field_id in (({"title": "Pemrograman Web Dasar"}, "title"), ({"slug": "web-dasar"}, "slug")):
        html = submit(client, client.get(url), url, **fields).get_data(as_text=True)
        assert field_error(html, field_id)
    mine = db.session.get(Programme, mine.id)
    assert (mine.title, mine.slug) == ("Desain Grafis", "desain-grafis") and audit_actions() == []
    listing = client.get(PROGRAMMES).get_data(as_text=True)
    assert re.search(rf'id="programme-{mine.id}".*?data-figure="offerings">1<', listing, re.S)


def test_the_list_filters_by_category(client, auth):
    a, b = create_programme("Bahasa Inggris"), create_programme("Las Listrik")
    login_admin(auth)
    html = client.get(f"{PROGRAMMES}?kategori={a.category_id}").get_data(as_text=True)
    assert f'id="programme-{a.id}"' in html and f'id="programme-{b.id}"' not in html
    assert client.get(f"{PROGRAMMES}/999").status_code == 404
