"""Beranda PMO: one page linking every admin tool."""
from __future__ import annotations

from flask import render_template

from portal.access import admin_required
from portal.admin import bp


@bp.get("/")
@admin_required
def index():
    """Links to waves, labels, categories, programmes, cards, the blacklist, the ledger and the audit log."""
    return render_template("admin/index.html")
