"""Sertifikat: the public check of a verification code, and the holder's printable page and PDF."""
from flask import Blueprint

from portal.certificates.sheet import certificate_sheet

bp = Blueprint("certificates", __name__)


@bp.context_processor
def _sheet() -> dict:
    # The pages draw the certificate from the same facts as its PDF.
    return {"certificate_sheet": certificate_sheet}


from portal.certificates import views  # noqa: E402,F401
