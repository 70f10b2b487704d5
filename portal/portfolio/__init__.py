"""Portofolio: the trainings a participant bought, and working through them."""
from flask import Blueprint

bp = Blueprint("portfolio", __name__, url_prefix="/portofolio")

from portal.portfolio import views  # noqa: E402,F401
