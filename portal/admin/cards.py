"""Kartu: the PMO issues Kartu Prakerja cards into a wave, one person at a time or by CSV upload.

An upload's report (every issued row and every rejected row with its reason) is kept in the
import's audit event; the upload redirects to it, so a reload never imports twice.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.admin.forms import IssueCardForm, UploadCardsForm
from portal.converters import id_arg
from portal.forms import choices
from portal.services.audit import recent_events
from portal.services.card_import import (
    HANDOVER_WINDOW,
    MAX_BYTES,
    MAX_ROWS,
    import_card_file,
    import_report,
    issue_one_card,
    issued_card,
)
from portal.services.cards import card_status
from portal.services.waves import wave_figures
from portal.unit_of_work import unit_of_work


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
        new_status=card_status(new_card.card, now) if new_card else None, imports=recent_events(10, "card.import"),
        limits={"rows": MAX_ROWS, "megabytes": MAX_BYTES // (1024 * 1024)},
        handover_minutes=int(HANDOVER_WINDOW.total_seconds() // 60),
    )


@bp.get("/kartu")
@admin_required
def cards():
    """The two ways to issue cards; after issuing one, its number (`?kartu=<id>`)."""
    card_id = id_arg(request.args, "kartu")
    return _page(new_card=issued_card(card_id, current_actor().user.id, clock.now()) if card_id else None)


@bp.post("/kartu/terbitkan")
@admin_required
def issue():
    """Issue one card: NIK, name, mobile number, wave, and optionally when the person was accepted."""
    form = IssueCardForm()
    _with_waves(form)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            card = issue_one_card(current_actor(), form.nik.data, form.name.data, form.phone.data,
                                  form.wave_number(), form.accepted_at.data, clock.now(), mother=form.mother.data)
        if work.done:
            return redirect(url_for("admin.cards", kartu=card.id, _anchor="new-card"))
    return _page(issue=form)


@bp.post("/kartu/unggah")
@admin_required
def upload():
    """Unggah CSV: issue every good row, report every rejected one; an unreadable file issues nothing."""
    form = UploadCardsForm(prefix="upload")
    _with_waves(form)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            report = import_card_file(current_actor(), form.wave_number(), form.file.data.stream,
                                      form.file.data.filename or "", form.accepted_at.data, clock.now())
        if work.done:
            return redirect(url_for("admin.import_result", event_id=report.event_id, _anchor="report"))
    return _page(upload=form)


@bp.get("/kartu/impor/<int:event_id>")
@admin_required
def import_result(event_id: int):
    """The report of one upload: the cards issued and every rejected line with its reason."""
    return _page(report=import_report(event_id, current_actor().user.id, clock.now()) or abort(404))
