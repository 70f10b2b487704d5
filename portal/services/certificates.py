"""Certificates of a passed training: finding them, checking a verification code, and the PDF.

The provider's confirmation issues them (services/completion.py); here they are only read. A
verification code is public (anyone may check one), so a check shows the holder's name masked.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from babel.dates import format_date
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from portal.clock import to_wib
from portal.extensions import db
from portal.models import Certificate, Enrollment, EnrollmentEvent, Offering, Review, User
from portal.services.reviews import may_review as review_form_open

if TYPE_CHECKING:  # fpdf2 (with Pillow) loads only when a PDF is asked for, not at start-up
    from fpdf import FPDF

MAX_CODE_LENGTH = 20  # Certificate.code's column
MIN_CODE_SYMBOLS = 6  # shorter input names no certificate: spare the query
VERIFY_PATH = "/sertifikat/{code}"  # the public check page (certificates.verify)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")  # typographic dashes, as copied from a PDF or a chat


@dataclass(frozen=True)
class StatusChange:
    """One line of an enrollment's history."""

    status: str
    at: datetime


@dataclass(frozen=True)
class Outcome:
    """What the portfolio shows about a bought training besides its progress."""

    status: str
    score: int | None
    passed: bool | None
    confirmed_at: datetime | None
    history: list[StatusChange]
    certificates: list[Certificate]
    review: Review | None

    @property
    def may_review(self) -> bool:
        """The review form is open: completion is confirmed and nothing is reviewed yet."""
        return review_form_open(self.status, self.review)


def _with_catalogue(statement):
    return statement.options(
        joinedload(Certificate.enrollment).joinedload(Enrollment.offering).joinedload(Offering.programme),
        joinedload(Certificate.enrollment).joinedload(Enrollment.offering).joinedload(Offering.provider),
    )


_PROVIDER_FIRST = case((Certificate.issuer == "provider", 0), else_=1)


def certificates_of(enrollment: Enrollment) -> list[Certificate]:
    """The enrollment's certificates, the provider's first."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id).order_by(_PROVIDER_FIRST, Certificate.id)
    ))


def certificate_for(user: User, certificate_id: int) -> Certificate | None:
    """Certificate `certificate_id` with its training (programme, provider), if `user` holds it."""
    return db.session.scalar(
        _with_catalogue(select(Certificate))
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Certificate.id == certificate_id, Enrollment.user_id == user.id)
    )


def code_candidates(code: str) -> list[str]:
    """The stored forms a typed code may stand for: upper-case, blanks gone, dashes optional.

    Codes read `PK-` then two groups of five, so `pk7kq2mx9d4t` and `PK-7KQ2M-X9D4T` name the same
    certificate. Nothing plausible -> an empty list.
    """
    typed = _DASHES.sub("-", "".join(code.split()).upper())
    compact = typed.replace("-", "")
    plausible = compact.isascii() and compact.isalnum() and MIN_CODE_SYMBOLS <= len(compact) <= MAX_CODE_LENGTH
    if not plausible:
        return []
    candidates = [typed, compact]
    rest = compact[2:]
    if compact.startswith("PK") and rest and len(rest) % 2 == 0:
        half = len(rest) // 2
        candidates.append(f"PK-{rest[:half]}-{rest[half:]}")
    return list(dict.fromkeys(c for c in candidates if len(c) <= MAX_CODE_LENGTH))


def find_by_code(code: str) -> Certificate | None:
    """The certificate a typed verification code names (see `code_candidates`), with its training.

    One statement on the unique index of `code`; no statement for something that cannot be a code.
    """
    candidates = code_candidates(code)
    if not candidates:
        return None
    return db.session.scalar(_with_catalogue(select(Certificate)).where(Certificate.code.in_(candidates)).limit(1))


def holder_name(certificate: Certificate) -> str:
    """The full name of the participant the certificate was issued to."""
    return db.session.scalar(select(User.full_name).where(User.id == certificate.enrollment.user_id)) or ""


def mask_name(full_name: str) -> str:
    """`Siti Rahmawati` -> `Siti R********`: enough to match a person, not to learn a name.

    The first word stays (unless it is the only one); other words keep their first letter.
    """
    words = full_name.split()
    if not words:
        return ""
    shown = [words[0]] if len(words) > 1 else []
    hidden = words[1:] if len(words) > 1 else words
    return " ".join(shown + [word[0] + "*" * (len(word) - 1) for word in hidden])


def outcomes_of(user: User) -> dict[int, Outcome]:
    """Each of `user`'s trainings (by enrollment id): score, history, certificates and review.

    Two statements whatever the number of trainings.
    """
    return _outcomes(Enrollment.user_id == user.id)


def outcome_of(enrollment: Enrollment) -> Outcome:
    """One training's score, history, certificates and review (two statements)."""
    return _outcomes(Enrollment.id == enrollment.id)[enrollment.id]


def _outcomes(which) -> dict[int, Outcome]:
    # The review is at most one per enrollment, so joining it with the events multiplies nothing.
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.status, Enrollment.score, Enrollment.passed, Enrollment.confirmed_at,
               Review, EnrollmentEvent.status, EnrollmentEvent.at)
        .outerjoin(Review, Review.enrollment_id == Enrollment.id)
        .outerjoin(EnrollmentEvent, EnrollmentEvent.enrollment_id == Enrollment.id)
        .where(which)
        .order_by(Enrollment.id, EnrollmentEvent.at, EnrollmentEvent.id)
    ).all()
    certificates: dict[int, list[Certificate]] = {}
    for certificate in db.session.scalars(
        select(Certificate).join(Enrollment, Enrollment.id == Certificate.enrollment_id).where(which)
        .order_by(Certificate.enrollment_id, _PROVIDER_FIRST, Certificate.id)
    ):
        certificates.setdefault(certificate.enrollment_id, []).append(certificate)
    outcomes: dict[int, Outcome] = {}
    for enrollment_id, status, score, passed, confirmed_at, review, event_status, event_at in rows:
        if enrollment_id not in outcomes:
            outcomes[enrollment_id] = Outcome(status, score, passed, confirmed_at, [],
                                              certificates.get(enrollment_id, []), review)
        if event_status is not None:
            outcomes[enrollment_id].history.append(StatusChange(event_status, event_at))
    return outcomes


# --- the PDF ----------------------------------------------------------------------------------------

# Characters the core fonts lack, spelled the nearest Latin-1 way; the rest lose their accents.
_LATIN1_SPELLING = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2026": "...", "\u2022": "-",
    "\u0110": "D", "\u0111": "d", "\u0141": "L", "\u0142": "l", "\u0152": "OE", "\u0153": "oe", "\u0131": "i",
    "\u20ac": "EUR", "\u2605": "*",
})


def latin1(text: str) -> str:
    """`text` in characters a core PDF font (Helvetica, Latin-1) can show, never raising.

    `Siti Nur’aini` -> `Siti Nur'aini`, `Đặng` -> `Dang`; what has no spelling becomes `?`.
    """
    shown = []
    for char in text.translate(_LATIN1_SPELLING):
        if unicodedata.category(char).startswith("C"):
            shown.append(" " if char in "\t\n\r" else "")
        elif ord(char) < 256:
            shown.append(char)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            shown.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(shown)


def _indonesian_date(moment: datetime) -> str:
    return format_date(to_wib(moment).date(), "d MMMM y", locale="id")


def certificate_pdf(certificate: Certificate, verify_url: str | None = None) -> bytes:
    """The certificate as an A4 landscape PDF (in Indonesian, like the programme's own papers).

    It says SIMULASI in large letters, and shows the participant, the programme, the provider,
    the score and the pass, the issue date (WIB), the issuer, the verification code and where to
    check it (`verify_url`, by default the path of the public check page).
    """
    enrollment = certificate.enrollment
    offering = enrollment.offering
    issuer = ("Kementerian Ketenagakerjaan (Kemnaker)" if certificate.issuer == "kemnaker"
              else f"Lembaga pelatihan {offering.provider.name}")
    result = "Lulus" if enrollment.passed else "Tidak lulus"
    score = f"Nilai {enrollment.score} - {result}" if enrollment.score is not None else result
    lines = _PdfLines(
        name=holder_name(certificate), programme=offering.programme.title, provider=offering.provider.name,
        score=score, issued=_indonesian_date(certificate.issued_at), issuer=issuer, code=certificate.code,
        verify_url=verify_url or VERIFY_PATH.format(code=certificate.code),
    )
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(latin1(f"Sertifikat {certificate.code} (SIMULASI)"))
    pdf.set_creation_date(certificate.issued_at)  # the same certificate gives the same file
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _draw(pdf, lines)
    return bytes(pdf.output())


@dataclass(frozen=True)
class _PdfLines:
    name: str
    programme: str
    provider: str
    score: str
    issued: str
    issuer: str
    code: str
    verify_url: str


def _line(pdf: FPDF, text: str, size: float, style: str = "", height: float = 8.0, colour=(33, 37, 41)) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height, latin1(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _draw(pdf: FPDF, lines: _PdfLines) -> None:
    width, height = pdf.w, pdf.h
    # The watermark first, so everything else is printed over it.
    pdf.set_font("Helvetica", style="B", size=110)
    pdf.set_text_color(235, 222, 222)
    with pdf.rotation(20, x=width / 2, y=height / 2):
        pdf.text(width / 2 - pdf.get_string_width("SIMULASI") / 2, height / 2 + 15, "SIMULASI")
    pdf.set_draw_color(11, 79, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)
    pdf.set_margins(24, 20, 24)
    pdf.set_y(20)
    _line(pdf, "SIMULASI - bukan sertifikat resmi Kemnaker atau Kartu Prakerja", 11, "B", 6, (176, 0, 32))
    pdf.ln(6)
    _line(pdf, "SERTIFIKAT PELATIHAN", 30, "B", 14, (11, 79, 140))
    _line(pdf, f"Diterbitkan oleh {lines.issuer}", 12, height=7)
    pdf.ln(5)
    _line(pdf, "diberikan kepada", 12, height=7)
    _line(pdf, lines.name, 24, "B", 12)
    pdf.ln(2)
    _line(pdf, "yang telah menyelesaikan pelatihan", 12, height=7)
    _line(pdf, lines.programme, 18, "B", 9)
    _line(pdf, f"di {lines.provider}", 12, height=7)
    pdf.ln(3)
    _line(pdf, lines.score, 14, "B", 8)
    _line(pdf, f"Tanggal terbit: {lines.issued} (WIB)", 12, height=7)
    pdf.ln(5)
    _line(pdf, f"Kode verifikasi: {lines.code}", 14, "B", 8)
    _line(pdf, f"Periksa keaslian di {lines.verify_url}", 10, height=6)
    pdf.set_y(height - 30)
    _line(pdf, "Dibuat oleh portal simulasi Sisnaker Prakerja untuk belajar dan demonstrasi. "
               "Dokumen ini tidak berlaku sebagai sertifikat resmi.", 9, height=5, colour=(90, 90, 90))
