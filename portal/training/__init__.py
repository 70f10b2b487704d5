"""Pelatihan: the catalogue, the participant registration, and the portfolio."""
from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/pelatihan")

from portal.training import catalogue, participant  # noqa: E402,F401
