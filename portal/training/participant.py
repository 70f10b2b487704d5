"""Daftar sebagai Peserta Pelatihan."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import job_seeker_required
from portal.clock import today_wib
from portal.services.nik import parse_nik
from portal.services.participants import save_participant_profile
from portal.training import bp
from portal.training.forms import ParticipantForm
from portal.unit_of_work import unit_of_work


@bp.route("/daftar-peserta", methods=["GET", "POST"])
@job_seeker_required
def register_participant():
    """The participant profile; birth date and sex are derived from the NIK and shown."""
    profile = current_user.profile
    form = ParticipantForm(obj=profile)
    if profile is not None and not form.is_submitted():
        form.province.data = profile.province_code
    if form.validate_on_submit():
        first_time = profile is None
        with unit_of_work(form) as work:
            save_participant_profile(
                current_user, form.education.data, form.province.data, form.regency.data, form.address.data,
                clock.now(),
            )
        if work.done:
            if first_time:
                flash(_("You are now registered as a training participant. Choose a training."), "success")
                return redirect(url_for("training.catalogue"))
            flash(_("Your participant profile has been saved."), "success")
            return redirect(url_for("portfolio.index"))
    nik = parse_nik(current_user.nik, today_wib(clock.now()))
    return render_template("training/participant.html", form=form, nik=nik, profile=profile)
