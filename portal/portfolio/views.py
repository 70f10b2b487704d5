"""Portofolio views."""
from __future__ import annotations

from flask import render_template

from portal.access import job_seeker_required
from portal.portfolio import bp
from portal.services.participants import EDUCATION_LEVELS


@bp.get("/")
@job_seeker_required
def index():
    """Portofolio: the participant's trainings."""
    return render_template("portfolio/index.html", education_levels=EDUCATION_LEVELS)
