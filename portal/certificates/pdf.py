"""The certificate as a PDF file: A4 landscape, with SIMULASI across it."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from babel.dates import format_date

from portal.clock import to_wib
from portal.models import Certificate
from portal.services.certificates.codes import VERIFY_PATH
from portal.services.certificates.queries import holder_name

if TYPE_CHECKING:  # fpdf2 (with Pillow) loads only when a PDF is asked for, not at start-up
    from fpdf import FPDF

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
