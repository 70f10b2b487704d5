"""Sertifikat: anyone checks a verification code; the holder prints the certificate or downloads its PDF."""
from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import job_seeker_required, public
from portal.certificates import bp
from portal.certificates.forms import CodeCheckForm
from portal.certificates.pdf import certificate_pdf
from portal.extensions import limiter
from portal.models import Certificate
from portal.services.certificates.codes import find_by_code, mask_name
from portal.services.certificates.queries import certificate_for, holder_name

# Codes are random and long; the limit only slows down someone trying codes one after another.
_lookup_limit = limiter.limit(lambda: current_app.config.get("RATELIMIT_CERTIFICATE_CHECK", "60 per minute"))


def _details(certificate: Certificate, name: str) -> dict:
    return {"certificate": certificate, "enrollment": certificate.enrollment,
            "offering": certificate.enrollment.offering, "holder": name}


@bp.get("/sertifikat")
@public
@_lookup_limit
def check():
    """Cek sertifikat: a code typed in goes to its page; an unknown one is said to be unknown (404)."""
    form = CodeCheckForm(request.args)
    if "kode" not in request.args:
        return render_template("certificates/check.html", form=form, not_found=False)
    if not form.validate():
        return render_template("certificates/check.html", form=form, not_found=False), 400
    certificate = find_by_code(form.kode.data)
    if certificate is None:
        return render_template("certificates/check.html", form=form, not_found=True), 404
    return redirect(url_for("certificates.verify", code=certificate.code))


@bp.get("/sertifikat/<code>")
@public
@_lookup_limit
def verify(code: str):
    """A verification code's public page: genuine or not, and what it certifies (the name masked)."""
    certificate = find_by_code(code)
    if certificate is None:
        abort(404)
    if certificate.code != code:  # `pk7kq2mx9d4t` works; the page has one address
        return redirect(url_for("certificates.verify", code=certificate.code))
    return render_template("certificates/verify.html", **_details(certificate, mask_name(holder_name(certificate))))


def _own_certificate(certificate_id: int) -> Certificate:
    # Someone else's certificate is as absent as one that does not exist.
    certificate = certificate_for(current_user, certificate_id)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/portofolio/sertifikat/<int:certificate_id>")
@job_seeker_required
def printable(certificate_id: int):
    """The holder's certificate as a page to print (the browser's Print; no script needed)."""
    certificate = _own_certificate(certificate_id)
    return render_template("certificates/printable.html", **_details(certificate, current_user.full_name))


@bp.get("/portofolio/sertifikat/<int:certificate_id>.pdf")
@job_seeker_required
def pdf(certificate_id: int):
    """The holder's certificate as a PDF file to download."""
    certificate = _own_certificate(certificate_id)
    body = certificate_pdf(certificate, url_for("certificates.verify", code=certificate.code, _external=True))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=sertifikat-{certificate.code}.pdf",
        "Cache-Control": "private, no-store",  # a name and a score: not for shared caches
    })
