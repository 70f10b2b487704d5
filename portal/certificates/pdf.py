"""The certificate as a PDF file: A4 landscape, SIMULATION across it, the facts of its printable page.

Set in DejaVu Sans (portal/data/fonts), embedded and subset, so a name prints as it is written
(`Đặng Thị Ngọc`, `Siti Nur’aini`) in either language.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import get_locale
from flask_babel import gettext as _

from portal.certificates.sheet import CertificateSheet, certificate_sheet
from portal.models import Certificate
from portal.paths import FONTS
from portal.services.certificates.queries import holder_name

if TYPE_CHECKING:  # fpdf2 (with Pillow) loads only when a PDF is asked for, not at start-up
    from fpdf import FPDF

FONT = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
INK, BLUE, RED, GREY, PALE_RED = (33, 37, 41), (11, 79, 140), (176, 0, 32), (90, 90, 90), (235, 222, 222)
WATERMARK_SIZE = 110  # points, shrunk when the word is longer in the visitor's language
LABEL_WIDTH, VALUE_WIDTH = 62.0, 128.0  # mm: the facts' two columns, centred on the page


def certificate_pdf(certificate: Certificate, verify_url: str | None = None) -> bytes:
    """The certificate as an A4 landscape PDF in the current locale (Indonesian unless the visitor chose English).

    It says SIMULATION in large letters, and shows the facts of the printable page (`certificate_sheet`):
    the participant, the programme, the provider, the score and the pass, the issuer, the issue date
    (WIB), the verification code and where to check it (`verify_url`, by default the check page's path).
    """
    sheet = certificate_sheet(certificate, holder_name(certificate), verify_url)
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    for style, file_name in FONT_FILES.items():
        pdf.add_font(FONT, style, FONTS / file_name)
    title = _("Certificate %(code)s", code=sheet.code)  # not inside an f-string: pybabel would miss it
    pdf.set_title(f"{title} ({sheet.simulation})")
    pdf.set_lang(str(get_locale() or "id"))
    pdf.set_creation_date(certificate.issued_at)  # the same certificate gives the same file
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _draw(pdf, sheet)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: float, style: str = "", height: float = 8.0, colour=INK) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style=style, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fact_row(pdf: FPDF, label: str, value: str) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_x((pdf.w - LABEL_WIDTH - VALUE_WIDTH) / 2)
    pdf.set_font(FONT, size=11)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(LABEL_WIDTH, 7, label, align="R", padding=(0, 4, 0, 0), new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(FONT, style="B", size=12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(VALUE_WIDTH, 7, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _watermark(pdf: FPDF, word: str) -> None:
    # Drawn first, so everything else is printed over it.
    pdf.set_font(FONT, style="B", size=WATERMARK_SIZE)
    size = min(WATERMARK_SIZE, WATERMARK_SIZE * pdf.w * 0.85 / pdf.get_string_width(word))
    pdf.set_font_size(size)
    pdf.set_text_color(*PALE_RED)
    with pdf.rotation(20, x=pdf.w / 2, y=pdf.h / 2):
        pdf.text(pdf.w / 2 - pdf.get_string_width(word) / 2, pdf.h / 2 + size * 0.14, word)


def _draw(pdf: FPDF, sheet: CertificateSheet) -> None:
    _watermark(pdf, sheet.simulation)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    pdf.set_margins(24, 20, 24)
    pdf.set_y(20)
    _line(pdf, f"{sheet.simulation} · {sheet.disclaimer}", 11, "B", 6, RED)
    pdf.ln(5)
    _line(pdf, sheet.title.upper(), 28, "B", 13, BLUE)
    pdf.ln(4)
    holder, programme, *others = sheet.facts
    _line(pdf, holder.label, 11, height=6, colour=GREY)
    _line(pdf, holder.value, 24, "B", 12)
    pdf.ln(2)
    _line(pdf, programme.label, 11, height=6, colour=GREY)
    _line(pdf, programme.value, 18, "B", 9)
    pdf.ln(5)
    for fact in others:
        _fact_row(pdf, fact.label, fact.value)
    pdf.ln(4)
    _line(pdf, sheet.check_line, 10, height=6)
    pdf.set_y(pdf.h - 30)
    _line(pdf, _("Made by the Sisnaker Prakerja simulation portal for learning and demonstration. "
                 "This document is not valid as an official certificate."), 9, height=5, colour=GREY)
