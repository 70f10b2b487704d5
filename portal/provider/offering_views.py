"""Lembaga views of offerings: create, edit, publish, unpublish, and the programme's session plan."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import current_actor, provider_required
from portal.forms import checked_post
from portal.provider import bp
from portal.provider.forms import NewOfferingForm, OfferingForm, SessionPlanForm
from portal.provider.views import own_offering, own_provider
from portal.services.offerings import (
    MAX_PRICE,
    can_set_session_plan,
    create_offering,
    programme_choices,
    publish,
    session_plan,
    set_session_plan,
    unpublish,
    update_offering,
)
from portal.unit_of_work import unit_of_work


@bp.route("/pelatihan/baru", methods=["GET", "POST"])
@provider_required
def new_offering():
    """Offer a programme: price, seats, schedule, mode and place. It starts as an unpublished draft."""
    provider = own_provider()
    form = NewOfferingForm(programme_choices())
    if not form.is_submitted():
        form.city.data, form.province.data = provider.city, provider.province_code
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            offering = create_offering(current_actor(), provider, int(form.programme.data), now=clock.now(),
                                       **form.terms())
        if work.done:
            flash(_("The training has been created as a draft. Add its sessions if needed, then publish it."),
                  "success")
            return redirect(url_for("provider.index", _anchor=f"offering-{offering.id}"))
    return render_template("provider/offering_form.html", form=form, offering=None, max_price=MAX_PRICE)


@bp.route("/pelatihan/<int:offering_id>/ubah", methods=["GET", "POST"])
@provider_required
def edit_offering(offering_id: int):
    """Change an offering's terms; seats never below those taken, a sold published price is fixed."""
    offering = own_offering(offering_id)
    form = OfferingForm(obj=offering)
    if not form.is_submitted():
        form.province.data = offering.province_code
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            update_offering(current_actor(), offering, now=clock.now(), **form.terms())
        if work.done:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("provider.index", _anchor=f"offering-{offering.id}"))
    return render_template("provider/offering_form.html", form=form, offering=offering, max_price=MAX_PRICE)


@bp.post("/pelatihan/<int:offering_id>/terbitkan", endpoint="publish")
@provider_required
def publish_offering(offering_id: int):
    """Terbitkan: show the offering in the catalogue."""
    offering = own_offering(offering_id)
    checked_post()
    return _set_published(offering, publish, _("The training is now published in the catalogue."))


@bp.post("/pelatihan/<int:offering_id>/tarik", endpoint="unpublish")
@provider_required
def unpublish_offering(offering_id: int):
    """Tarik dari katalog: hide the offering and stop new purchases; participants keep their training."""
    offering = own_offering(offering_id)
    checked_post()
    return _set_published(offering, unpublish, _("The training is no longer shown in the catalogue. "
                                                 "Its participants keep their training."))


def _set_published(offering, change, done_message: str):
    with unit_of_work() as work:
        changed = change(current_actor(), offering, clock.now())
    if work.done and changed:  # a repeated press changes nothing and says nothing
        flash(done_message, "success")
    return redirect(url_for("provider.index", _anchor=f"offering-{offering.id}"))


@bp.route("/pelatihan/<int:offering_id>/sesi", methods=["GET", "POST"], endpoint="session_plan")
@provider_required
def session_plan_view(offering_id: int):
    """The programme's sessions; a lembaga may write them only while the programme has none."""
    offering = own_offering(offering_id)
    form = SessionPlanForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            set_session_plan(current_actor(), offering, form.title_lines(), clock.now())
        if work.error is not None and not work.error.field:
            # the plan was written meanwhile: the page no longer shows the form
            flash(str(work.error.message), "error")
            return redirect(url_for("provider.session_plan", offering_id=offering.id))
        if work.done:
            flash(_("The session plan has been saved."), "success")
            return redirect(url_for("provider.session_plan", offering_id=offering.id))
    return render_template("provider/session_plan.html", offering=offering, sessions=session_plan(offering),
                           form=form if can_set_session_plan(offering) else None)
