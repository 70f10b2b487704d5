"""Beranda, the language switch, error pages and what every template sees."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import views  # noqa: E402,F401
