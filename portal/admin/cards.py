"""Kartu: the PMO issues Kartu Prakerja cards into a wave, one person at a time or by CSV upload.

An upload's report (every issued row and every rejected row with its reason) is kept in the
import's audit event; the upload redirects to it, so a reload never imports twice.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TelField
from wtforms.validators import ValidationError

from portal import clock
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.extensions import db
from portal.forms import PortalForm, choices, max_length, required, show_domain_error
from portal.services import DomainError
from portal.services.audit import recent_events
from portal.services.card_import import (
    MAX_BYTES,
    MAX_NAME,
    MAX_ROWS,
    card_or_none,
    import_card_file,
    import_report,
    issue_one_card,
)
from portal.services.cards import card_status
from portal.services.waves import wave_figures

_TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class WibDateTimeField(StringField):
    """A wall-clock time in WIB (`2021-03-10 10:00`, or a datetime-local input), held in UTC.
    Blank means "now"."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw, self.data = raw, None
        for fmt in _TIME_FORMATS:
            try:
                self.data = datetime.strptime(raw, fmt).replace(tzinfo=clock.WIB).astimezone(UTC)
                break
            except ValueError:
                continue

    def pre_validate(self, form):
        if getattr(self, "raw", "") and self.data is None:
            raise ValidationError(_l("Enter a date and time as YYYY-MM-DD HH:MM (WIB), e.g. 2021-03-10 10:00."))

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return clock.to_wib(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""


def _wave_field():
    return SelectField(_l("Wave"), validate_choice=False)


def _accepted_field():
    return WibDateTimeField(_l("Accepted at (WIB, optional)"), render_kw={"type": "datetime-local"})


class _WaveChoice:
    def wave_number(self) -> int | None:
        raw = (self.wave.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 6 else None

    def validate_wave(self, field):
        if self.wave_number() is None:
            raise ValidationError(_l("Choose a wave from the list."))


class IssueCardForm(_WaveChoice, PortalForm):
    nik = StringField("NIK", [required(), max_length(40)], render_kw={"inputmode": "numeric", "autocomplete": "off"})
    name = StringField(_l("Full name"), [required(), max_length(MAX_NAME)], render_kw={"autocomplete": "off"})
    phone = TelField(_l("Mobile number"), [required(), max_length(20)], render_kw={"autocomplete": "off"})
    wave = _wave_field()
    accepted_at = _accepted_field()
    submit = SubmitField(_l("Issue card"))


class UploadCardsForm(_WaveChoice, PortalForm):
    wave = _wave_field()
    accepted_at = _accepted_field()
    file = FileField(_l("CSV file"), [FileRequired(message=_l("Choose a CSV file to upload."))],
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Upload CSV"))


def _with_waves(*forms):
    options = choices(
        ((str(f.number), _("Wave %(n)d (%(left)d of %(quota)d places left)", n=f.number, left=f.quota - f.issued,
                            quota=f.quota)) for f in reversed(wave_figures())),
        blank=_("Choose a wave"),
    )
    for form in forms:
        form.wave.choices = options
    return forms


def _page(issue: IssueCardForm | None = None, upload: UploadCardsForm | None = None, report=None, new_card=None):
    issue = issue or IssueCardForm(formdata=None)
    upload = upload or UploadCardsForm(formdata=None, prefix="upload")
    _with_waves(issue, upload)
    now = clock.now()
    return render_template(
        "admin/cards.html", issue=issue, upload=upload, report=report, new_card=new_card,
        new_status=card_status(new_card, now) if new_card else None, imports=recent_events(10, "card.import"),
        limits={"rows": MAX_ROWS, "megabytes": MAX_BYTES // (1024 * 1024)},
    )


@bp.get("/kartu")
@admin_required
def cards():
    """The two ways to issue cards; after issuing one, its number (`?kartu=<id>`)."""
    card_id = request.args.get("kartu", type=int)
    return _page(new_card=card_or_none(card_id) if card_id else None)


@bp.post("/kartu/terbitkan")
@admin_required
def issue():
    """Issue one card: NIK, name, mobile number, wave, and optionally when the person was accepted."""
    form = IssueCardForm()
    _with_waves(form)
    if form.validate_on_submit():
        try:
            card = issue_one_card(current_actor(), form.nik.data, form.name.data, form.phone.data,
                                  form.wave_number(), form.accepted_at.data, clock.now())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("admin.cards", kartu=card.id, _anchor="new-card"))
    return _page(issue=form)


@bp.post("/kartu/unggah")
@admin_required
def upload():
    """Unggah CSV: issue every good row, report every rejected one; an unreadable file issues nothing."""
    form = UploadCardsForm(prefix="upload")
    _with_waves(form)
    if form.validate_on_submit():
        try:
            report = import_card_file(current_actor(), form.wave_number(), form.file.data.stream,
                                      form.file.data.filename or "", form.accepted_at.data, clock.now())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("admin.import_result", event_id=report.event_id, _anchor="report"))
    return _page(upload=form)


@bp.get("/kartu/impor/<int:event_id>")
@admin_required
def import_result(event_id: int):
    """The report of one upload: the cards issued and every rejected line with its reason."""
    return _page(report=import_report(event_id) or abort(404))
