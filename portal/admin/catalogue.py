"""Kategori and Program: the PMO adds and renames categories, adds and edits programmes.

Nothing here deletes: offerings and bought trainings refer to categories and programmes (the
pages say so). Every change is one service call, audited, then a redirect.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.admin.forms import CategoryForm, ProgrammeForm, RenameCategoryForm
from portal.converters import id_arg
from portal.forms import choices
from portal.services.catalogue_admin import (
    MAX_CATEGORY_NAME,
    MAX_DESCRIPTION,
    MAX_TITLE,
    all_categories,
    categories_for_admin,
    category_or_none,
    create_category,
    create_programme,
    edit_programme,
    programme_or_none,
    programmes_for_admin,
    rename_category,
)
from portal.unit_of_work import unit_of_work


def rename_form(category, **kwargs) -> RenameCategoryForm:
    """Each category's row has its own rename form; the prefix keeps the field ids apart."""
    return RenameCategoryForm(prefix=f"category-{category.id}", data={"name": category.name}, **kwargs)


def _categories_page(add: CategoryForm | None = None, failed: RenameCategoryForm | None = None,
                     failed_id: int | None = None, status: int = 200):
    rows = categories_for_admin()
    renames = {row.category.id: (failed if row.category.id == failed_id else rename_form(row.category, formdata=None))
               for row in rows}
    return render_template("admin/categories.html", rows=rows, add=add or CategoryForm(formdata=None),
                           renames=renames, limits={"name": MAX_CATEGORY_NAME}), status


@bp.get("/kategori")
@admin_required
def categories():
    """Every category with its programme count, a rename form per row, and the add form."""
    return _categories_page()


@bp.post("/kategori")
@admin_required
def add_category():
    form = CategoryForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            category = create_category(current_actor(), form.name.data, clock.now())
        if work.done:
            flash(_("Category “%(name)s” added.", name=category.name), "success")
            return redirect(url_for("admin.categories", _anchor=f"category-{category.id}"))
    return _categories_page(add=form)


@bp.post("/kategori/<int:category_id>/ganti-nama")
@admin_required
def rename(category_id: int):
    category = category_or_none(category_id) or abort(404)
    form = rename_form(category)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            rename_category(current_actor(), category, form.name.data, clock.now())
        if work.done:
            flash(_("Category renamed to “%(name)s”.", name=category.name), "success")
            return redirect(url_for("admin.categories", _anchor=f"category-{category.id}"))
    return _categories_page(failed=form, failed_id=category_id)


PROGRAMME_LIMITS = {"title": MAX_TITLE, "description": MAX_DESCRIPTION}


def programme_form(**kwargs) -> ProgrammeForm:
    form = ProgrammeForm(**kwargs)
    form.category.choices = choices(((str(c.id), c.name) for c in all_categories()), blank=_("Choose a category"))
    return form


@bp.get("/program")
@admin_required
def programmes():
    """Every programme (or one category's) with its category, hours and offering count."""
    category_id = id_arg(request.args, "kategori")
    return render_template("admin/programmes.html", rows=programmes_for_admin(category_id),
                           categories=all_categories(), category_id=category_id)


@bp.route("/program/baru", methods=["GET", "POST"])
@admin_required
def new_programme():
    form = programme_form()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            programme = create_programme(current_actor(), form.fields(), clock.now())
        if work.done:
            flash(_("Programme “%(title)s” added.", title=programme.title), "success")
            return redirect(url_for("admin.programmes", _anchor=f"programme-{programme.id}"))
    return render_template("admin/programme_form.html", form=form, programme=None, limits=PROGRAMME_LIMITS)


@bp.route("/program/<int:programme_id>", methods=["GET", "POST"])
@admin_required
def programme(programme_id: int):
    """Edit a programme; its address (slug) changes only if the PMO changes it."""
    programme = programme_or_none(programme_id) or abort(404)
    form = programme_form(data=dict(title=programme.title, category=str(programme.category_id),
                                    hours=programme.hours, description=programme.description, slug=programme.slug))
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            edit_programme(current_actor(), programme, form.fields(), clock.now())
        if work.done:
            flash(_("Programme “%(title)s” saved.", title=programme.title), "success")
            return redirect(url_for("admin.programmes", _anchor=f"programme-{programme.id}"))
    return render_template("admin/programme_form.html", form=form, programme=programme, limits=PROGRAMME_LIMITS)
