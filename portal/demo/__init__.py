"""Demo-only pages (HP Simulasi). Registered only when DEMO_MODE is on; never in production."""
from flask import Blueprint

bp = Blueprint("demo", __name__, url_prefix="/demo")

from portal.demo import views  # noqa: E402,F401
