"""Demo-only pages (HP Simulasi) and the Panduan Demo panel. Registered only when DEMO_MODE is on;
never in production. The panel's app-wide hooks come with this blueprint, so they are off with it."""
from flask import Blueprint

bp = Blueprint("demo", __name__, url_prefix="/demo")

from portal.demo import views  # noqa: E402,F401
