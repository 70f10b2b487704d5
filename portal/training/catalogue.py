"""Pelatihan: browse the catalogue (search and filters) and open one programme's offerings."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for

from portal.access import public
from portal.services.catalogue import list_categories, programme_detail, search_programmes
from portal.training import bp
from portal.training.catalogue_forms import CatalogueForm


@bp.get("/")
@public
def catalogue():
    """The catalogue: a GET search form and one page of matching programmes."""
    form = CatalogueForm(request.args, categories=list_categories())
    if not form.validate():
        # Keep what was typed, explain each problem next to its field, and show no results.
        return render_template("training/catalogue.html", form=form, results=None, page_url=None), 400
    results = search_programmes(
        form.criteria(), page=form.page_number(), per_page=current_app.config["CATALOGUE_PAGE_SIZE"]
    )
    if results.beyond_last:
        abort(404)
    filters = form.query_args()

    def page_url(number: int) -> str:
        # Page 1 has no `halaman`, so the first page has one address.
        return url_for("training.catalogue", **filters, **({"halaman": number} if number > 1 else {}))

    return render_template("training/catalogue.html", form=form, results=results, page_url=page_url)


@bp.get("/program/<slug>")
@public
def programme(slug: str):
    """One programme: what it teaches and every lembaga offering it, labelled ones first, each with
    its average rating."""
    detail = programme_detail(slug)
    if detail is None:
        abort(404)
    return render_template(
        "training/programme.html", programme=detail.programme, offerings=detail.offerings,
        ratings=detail.ratings,
    )
