"""Lembaga: the PMO grants and withdraws the Kartu Prakerja label (Berikan label / Cabut label)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.admin.forms import LabelForm
from portal.forms import checked_post
from portal.services.labels import grant_label, provider_or_none, providers_for_review, withdraw_label
from portal.unit_of_work import unit_of_work


@bp.get("/lembaga")
@admin_required
def labels():
    """Every lembaga with its label state; requests waiting for the PMO first."""
    return render_template("admin/labels.html", providers=providers_for_review(), form=LabelForm())


def _change_label(provider_id: int, change, done_message):
    provider = provider_or_none(provider_id) or abort(404)
    checked_post()
    with unit_of_work() as work:
        change(current_actor(), provider, clock.now())
    if work.done:
        flash(done_message(provider.name), "success")
    return redirect(url_for("admin.labels", _anchor=f"provider-{provider_id}"))


@bp.post("/lembaga/<int:provider_id>/berikan")
@admin_required
def grant(provider_id: int):
    """Berikan label: the provider's offerings can be paid with the card from now on."""
    return _change_label(provider_id, grant_label,
                         lambda name: _("%(name)s now carries the Kartu Prakerja label.", name=name))


@bp.post("/lembaga/<int:provider_id>/cabut")
@admin_required
def withdraw(provider_id: int):
    """Cabut label: no new card purchases there; trainings already bought stay valid."""
    return _change_label(provider_id, withdraw_label, lambda name: _(
        "The label of %(name)s was withdrawn. Trainings already bought there stay valid.", name=name))
