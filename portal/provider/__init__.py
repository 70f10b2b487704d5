"""Lembaga: the provider portal (profile, offerings, registrants, completion, the label request)."""
from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/lembaga")

from portal.provider import offering_views, views  # noqa: E402,F401
