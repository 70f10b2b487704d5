"""Pelatihan: the catalogue, the participant registration, and the portfolio."""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/pelatihan")

from portal.training import (  # noqa: E402,F401
    catalogue,
    participant,
    reviews,  # noqa: E402,F401
)
