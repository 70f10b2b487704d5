"""The PMO (Manajemen Pelaksana): waves, revocations, recycling, the jobs, and the demo clock."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import cards, catalogue, democlock, index, jobs, labels, records, waves  # noqa: E402,F401
