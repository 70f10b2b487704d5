"""Buat Akun, aktivasi, Masuk (by password or by SMS code), Keluar, Kendala Masuk ke Akun?."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import (
    claim,  # noqa: E402,F401
    code_login,  # noqa: E402,F401
    recovery,  # noqa: E402,F401
    views,  # noqa: E402,F401
)
