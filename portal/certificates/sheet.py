"""What a certificate says, in the visitor's language: the one source of the printable page, the
public check and the PDF, so the three never tell different facts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import gettext as _

from portal import labels
from portal.formatting import wib
from portal.models import Certificate, CertificateIssuer
from portal.services.certificates.codes import VERIFY_PATH


class Fact(NamedTuple):
    key: str  # the page's element id is `certificate-<key>`
    label: str
    value: str


@dataclass(frozen=True)
class CertificateSheet:
    title: str
    simulation: str  # SIMULATION, in the visitor's language
    disclaimer: str
    holder: str
    programme: str
    provider: str
    code: str
    verify_url: str
    facts: tuple[Fact, ...]  # holder, programme, provider, result, issuer, issue date, code

    @property
    def check_line(self) -> str:
        """Where anyone checks the certificate."""
        return _("Anyone can check this certificate at %(address)s", address=self.verify_url)


def certificate_sheet(certificate: Certificate, holder: str, verify_url: str | None = None) -> CertificateSheet:
    """The certificate's facts in the current locale: `holder` is the name as the page may show it
    (masked on the public check), `verify_url` the public check page (by default its path)."""
    enrollment = certificate.enrollment
    offering = enrollment.offering
    provider, programme = offering.provider.name, offering.programme.title
    result = _("Passed") if enrollment.passed else _("Not passed")
    if enrollment.score is not None:
        score = _("Score %(score)s", score=enrollment.score)  # not inside an f-string: pybabel would miss it
        result = f"{score} · {result}"
    issuer = str(labels.CERTIFICATE_ISSUER[certificate.issuer])
    if certificate.issuer == CertificateIssuer.PROVIDER:
        issuer = f"{issuer} ({provider})"
    facts = (
        Fact("holder", _("Participant"), holder),
        Fact("programme", _("Training"), programme),
        Fact("provider", _("Provider"), provider),
        Fact("result", _("Result"), result),
        Fact("issuer", _("Issued by"), issuer),
        Fact("issued", _("Issued on"), wib(certificate.issued_at)),
        Fact("code", _("Verification code"), certificate.code),
    )
    return CertificateSheet(
        title=_("Training certificate"), simulation=_("SIMULATION"),
        disclaimer=_("not an official Kemnaker or Kartu Prakerja certificate"), holder=holder, programme=programme,
        provider=provider, code=certificate.code, verify_url=verify_url or VERIFY_PATH.format(code=certificate.code),
        facts=facts,
    )
