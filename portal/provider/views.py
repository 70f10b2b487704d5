"""Lembaga views: the dashboard, the profile, the label request, registrants and confirming completion.

Every view is for provider staff only and sees only their own lembaga: another lembaga's offering
or registrant is as absent as one that does not exist (404).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import current_actor, provider_required
from portal.forms import checked_post
from portal.models import EnrollmentStatus, Offering, Provider
from portal.provider import bp
from portal.provider.forms import ConfirmForm, ProfileForm, confirm_form
from portal.services.completion import confirm_completion, registrant_of, registrants
from portal.services.offerings import offering_of
from portal.services.providers import offerings_of, provider_for, request_label, update_profile
from portal.unit_of_work import unit_of_work


def own_provider() -> Provider:
    """The lembaga of the logged-in staff member (a staff account without one may do nothing)."""
    provider = provider_for(current_user)
    if provider is None:
        abort(403)
    return provider


def own_offering(offering_id: int) -> Offering:
    """An offering of the staff member's lembaga; any other is not found."""
    offering = offering_of(own_provider(), offering_id)
    if offering is None:
        abort(404)
    return offering


@bp.get("/")
@provider_required
def index():
    """The lembaga's dashboard: profile, label status, and its offerings with their registrants."""
    provider = own_provider()
    return render_template(
        "provider/index.html", provider=provider, rows=offerings_of(provider),
    )


@bp.route("/profil", methods=["GET", "POST"])
@provider_required
def profile():
    """Edit the lembaga's kind (BLK/LPK), accreditation and address."""
    provider = own_provider()
    form = ProfileForm(obj=provider)
    if not form.is_submitted():
        form.province.data = provider.province_code
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            update_profile(current_actor(), provider, form.kind.data, form.accreditation.data, form.address.data,
                           form.city.data, form.province.data, clock.now())
        if work.done:
            flash(_("The profile has been saved."), "success")
            return redirect(url_for("provider.index"))
    return render_template("provider/profile.html", provider=provider, form=form)


@bp.post("/label", endpoint="request_label")
@provider_required
def request_label_view():
    """Ajukan label Kartu Prakerja: ask the PMO, once."""
    provider = own_provider()
    checked_post()
    with unit_of_work() as work:
        request_label(current_actor(), provider, clock.now())
    if work.done:
        flash(_("The Kartu Prakerja label has been requested. The PMO will review the request."), "success")
    return redirect(url_for("provider.index", _anchor="label"))


def _registrants_page(offering: Offering, posted: ConfirmForm | None = None, posted_id: int | None = None):
    people = registrants(offering)
    forms = {
        person.enrollment_id: posted if person.enrollment_id == posted_id else confirm_form(person.enrollment_id)
        for person in people if person.status == EnrollmentStatus.AWAITING_CONFIRMATION
    }
    return render_template(
        "provider/registrants.html", offering=offering, people=people, forms=forms,
    )


@bp.get("/pelatihan/<int:offering_id>/peserta", endpoint="registrants")
@provider_required
def registrants_view(offering_id: int):
    """The offering's registrants: status, progress, and a confirmation form for those who finished."""
    offering = own_offering(offering_id)
    return _registrants_page(offering)


@bp.post("/peserta/<int:enrollment_id>/konfirmasi")
@provider_required
def confirm(enrollment_id: int):
    """Konfirmasi penyelesaian: a score and pass or fail; a pass issues the two certificates."""
    enrollment = registrant_of(own_provider(), enrollment_id)
    if enrollment is None:
        abort(404)
    form = confirm_form(enrollment_id)
    back = redirect(url_for("provider.registrants", offering_id=enrollment.offering_id,
                            _anchor=f"registrant-{enrollment_id}"))
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            certificates = confirm_completion(current_actor(), enrollment, form.score.data, form.passed, clock.now())
        if work.error is not None and not work.error.field:
            # e.g. already confirmed: the row no longer has a form to show the refusal on
            flash(str(work.error.message), "error")
            return back
        if work.done:
            if certificates:
                flash(_("Completion confirmed. The provider's and Kemnaker's certificates have been issued."),
                      "success")
            else:
                flash(_("Completion confirmed as not passed. No certificate is issued."), "success")
            return back
    return _registrants_page(enrollment.offering, form, enrollment_id)
