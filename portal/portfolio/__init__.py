"""Portofolio: the trainings a participant bought, and working through them."""
from flask import Blueprint

bp = Blueprint("portfolio", __name__, url_prefix="/portofolio")

from portal.portfolio import (
    reviews,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
