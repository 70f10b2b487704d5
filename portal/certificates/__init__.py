"""Sertifikat: the public check of a verification code, and the holder's printable page and PDF."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from portal.certificates import views  # noqa: E402,F401
