"""Daftar at a labelled provider, pay with the Kartu Prakerja, verified by an SMS code."""
from flask import Blueprint

bp = Blueprint("prakerja", __name__, url_prefix="/prakerja")

from portal.prakerja import views  # noqa: E402,F401
