"""The PMO's records: Daftar hitam (blacklist), Buku besar (ledger and fund), and the audit log.

Read-only pages; their filters are GET forms without CSRF, so a filtered page can be linked.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal import labels
from portal.access import admin_required
from portal.admin import bp
from portal.admin.audit_facts import audit_facts, institution
from portal.admin.forms import AuditFilter, BlacklistFilter, LedgerFilter
from portal.converters import page_arg
from portal.forms import choices
from portal.models import LedgerKind
from portal.services.audit import audit_actions, audit_log
from portal.services.blacklist import blacklist_entries
from portal.services.fund import fund_account
from portal.services.ledger import check_ledger, ledger_entries
from portal.services.paging import Paged


def _page_number() -> int:
    return page_arg(request.args) or 1  # a bad number lands on the first page, a huge one on the last


def _neighbours(page: Paged, **filters) -> dict[str, str | None]:
    """Links to the previous and next page, keeping the filters."""
    kept = {name: value for name, value in filters.items() if value}
    return {
        "prev": url_for(request.endpoint, halaman=page.page - 1, **kept) if page.has_prev else None,
        "next": url_for(request.endpoint, halaman=page.page + 1, **kept) if page.has_next else None,
    }


@bp.get("/daftar-hitam")
@admin_required
def blacklist():
    """NIKs that can never join again, newest first, with the revoked card; find one NIK."""
    form = BlacklistFilter(request.args)
    nik = (form.nik.data or "").strip() if form.validate() else ""
    page = blacklist_entries(nik, _page_number())
    return render_template("admin/blacklist.html", form=form, page=page, links=_neighbours(page, nik=nik))


@bp.get("/buku-besar")
@admin_required
def ledger():
    """The fund account, the ledger check, and every ledger entry newest first (filter by kind)."""
    form = LedgerFilter(request.args)
    kind = form.jenis.data if form.jenis.data in set(LedgerKind) else None
    page = ledger_entries(kind, _page_number())
    return render_template("admin/ledger.html", form=form, fund=fund_account(), check=check_ledger(), page=page,
                           links=_neighbours(page, jenis=kind))


@bp.get("/audit")
@admin_required
def audit():
    """Who did what, when (WIB), from where: every admin and provider action, newest first."""
    form = AuditFilter(request.args)
    actions = audit_actions()
    form.aksi.choices = choices(((a, labels.AUDIT_ACTION.get(a, a)) for a in actions), blank=_l("All actions"))
    action = form.aksi.data if form.aksi.data in actions else None
    page = audit_log(action, _page_number())
    rows = [(event, institution(event), audit_facts(event)) for event in page.items]
    return render_template("admin/audit.html", form=form, page=page, rows=rows, links=_neighbours(page, aksi=action))
