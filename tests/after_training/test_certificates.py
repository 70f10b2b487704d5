"""Certificates: anyone checks a code; the holder prints the page or downloads the PDF; nobody else does."""
from __future__ import annotations

import re
from html import unescape

import pytest

from portal.certificates import pdf as certificate_pdf
from portal.extensions import db
from portal.services.certificates import codes
from tests.after_training.conftest import (
    KEMNAKER_CODE,
    OTHER_NIK,
    PROVIDER_CODE,
    block,
    certify,
    confirmed,
    enroll,
    in_english,
)
from tests.browser import form_posting_to
from tests.factories import create_card, create_offering, create_participant
from tests.pdf_text import pdf_fonts, pdf_text

# --- the public check ------------------------------------------------------------------------------

def test_the_check_page_has_a_code_field(client, completed):
    page = client.get("/sertifikat")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="kode"' in html and '<label for="kode">' in html
    assert 'id="code-not-found"' not in html


@pytest.mark.parametrize("typed", [PROVIDER_CODE, "pk-abcd-2345", "pkabcd2345", " PK ABCD 2345 ", "PK–ABCD–2345"])
def test_a_genuine_code_in_any_spelling_leads_to_its_page(client, completed, typed):
    in_english(client)
    page = client.get("/sertifikat")
    check = form_posting_to(client, page, "/sertifikat").fill("Verification code", typed)
    answer = check.submit(follow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == f"/sertifikat/{PROVIDER_CODE}"


def test_the_code_page_shows_what_it_certifies_with_the_name_masked(client, completed):
    page = client.get(f"/sertifikat/{PROVIDER_CODE}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-genuine="true"' in html
    assert block(page, "certificate-holder") == '<dd id="certificate-holder">Siti R********</dd>'
    assert "Rahmawati" not in html
    assert "Pemrograman Web Dasar" in block(page, "certificate-programme")
    assert "LPK Cipta Bandung" in block(page, "certificate-provider")
    assert 'data-passed="true" data-score="85"' in block(page, "certificate-result")
    assert 'data-issuer="provider"' in block(page, "certificate-issuer")
    assert "21 Februari 2021" in block(page, "certificate-issued") and "WIB" in block(page, "certificate-issued")
    assert PROVIDER_CODE in block(page, "certificate-code")
    kemnaker = client.get(f"/sertifikat/{KEMNAKER_CODE}")
    assert 'data-issuer="kemnaker"' in block(kemnaker, "certificate-issuer")


@pytest.mark.parametrize("variant", ["pk-abcd-2345", "PKABCD2345", "pkABCD-2345"])
def test_the_code_page_answers_other_spellings_at_one_address(client, completed, variant):
    response = client.get(f"/sertifikat/{variant}")
    assert response.status_code == 302 and response.headers["Location"] == f"/sertifikat/{PROVIDER_CODE}"
    assert client.get(f"/sertifikat/{variant}", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("typed", ["PK-ABCD-2346", "PK-NOPE", "'; DROP TABLE certificates; --", "X" * 40])
def test_an_unknown_code_is_404_with_the_form_and_no_hint(client, completed, typed):
    response = client.get("/sertifikat", query_string={"kode": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'id="code-not-found"' in html and 'name="kode"' in html
    assert PROVIDER_CODE not in html and KEMNAKER_CODE not in html
    assert client.get(f"/sertifikat/{typed}").status_code == 404


@pytest.mark.parametrize("typed", ["", "  ", "x" * 41])
def test_an_empty_or_overlong_code_is_explained_next_to_the_field(client, completed, typed):
    response = client.get("/sertifikat", query_string={"kode": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="kode-error"' in html and 'id="code-not-found"' not in html


def test_find_by_code_tolerates_case_blanks_and_dashes(app, completed):
    assert codes.find_by_code("PK-ABCD-2346") is None
    assert codes.find_by_code("") is None
    assert codes.find_by_code("pk abcd 2345").code == PROVIDER_CODE


def test_codes_of_the_issuing_service_shape_are_found_without_dashes(app, completed):
    offering = create_offering(price=100_000)
    enrollment = enroll(completed["user"], completed["card"], offering, **confirmed())
    certify(enrollment, "PK-7KQ2M-X9D4T")
    assert codes.find_by_code("pk7kq2mx9d4t").code == "PK-7KQ2M-X9D4T"
    assert codes.find_by_code("PK7KQ2M-X9D4T").code == "PK-7KQ2M-X9D4T"


@pytest.mark.parametrize("name, masked", [
    ("Siti Rahmawati", "Siti R********"), ("Sukarno", "S******"), ("Ni Luh Putu Ayu", "Ni L** P*** A**"), ("", ""),
])
def test_mask_name(name, masked):
    assert codes.mask_name(name) == masked


# --- the holder's printable page and PDF ------------------------------------------------------------

def test_the_holder_has_a_printable_page(client, auth, completed):
    auth.login()
    certificate = completed["provider_certificate"]
    page = client.get(f"/portofolio/sertifikat/{certificate.id}")
    assert page.status_code == 200
    assert block(page, "certificate-holder") == '<dd id="certificate-holder">Siti Rahmawati</dd>'
    assert PROVIDER_CODE in block(page, "certificate-code")
    assert f'href="/portofolio/sertifikat/{certificate.id}.pdf"' in block(page, "certificate-pdf")
    assert f"/sertifikat/{PROVIDER_CODE}" in page.get_data(as_text=True)


def test_the_holder_downloads_the_pdf(client, auth, completed):
    auth.login()
    certificate = completed["kemnaker_certificate"]
    response = client.get(f"/portofolio/sertifikat/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=sertifikat-{KEMNAKER_CODE}.pdf"
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data()
    assert body.startswith(b"%PDF") and len(body) > 1024
    text = pdf_text(body)
    for words in ("SIMULASI", "Siti Rahmawati", "Pemrograman Web Dasar", "LPK Cipta Bandung", "Nilai 85 · Lulus",
                  "21 Februari 2021", "Kementerian Ketenagakerjaan", KEMNAKER_CODE, f"/sertifikat/{KEMNAKER_CODE}"):
        assert words in text, words


def test_the_pdf_embeds_a_subset_unicode_font_and_stays_small(app, completed):
    body = certificate_pdf.certificate_pdf(completed["provider_certificate"])
    fonts = {base for base, _to_unicode in pdf_fonts(body).values()}
    # Subset fonts are named `ABCDEF+Name`; no core font (Helvetica, Latin-1 only) is left.
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+DejaVuSans(Book|Bold)", base) for base in fonts), fonts
    assert b"/FontFile2" in body and len(body) < 60_000


@pytest.mark.parametrize("name", ["Đặng Thị Ngọc", "Siti Nur’aini", "Łukasz Żółć", "José Müller"])
def test_a_name_outside_latin_1_is_printed_as_written(app, completed, name):
    db.session.get(type(completed["user"]), completed["user"].id).full_name = name
    db.session.commit()
    text = pdf_text(certificate_pdf.certificate_pdf(completed["provider_certificate"]))
    assert name in text.splitlines() and "/sertifikat/PK-ABCD-2345" in text


def test_a_name_the_font_lacks_still_gives_the_certificate(app, completed):
    db.session.get(type(completed["user"]), completed["user"].id).full_name = "漢字 Rahmawati"
    db.session.commit()
    text = pdf_text(certificate_pdf.certificate_pdf(completed["provider_certificate"]))
    assert "Rahmawati" in text and "PK-ABCD-2345" in text  # DejaVu Sans has no CJK: those show as boxes


def test_a_programme_title_with_typographic_marks_is_printed_as_written(app, completed):
    completed["offering"].programme.title = "“Web” – dasar…"
    db.session.commit()
    assert "“Web” – dasar…" in pdf_text(certificate_pdf.certificate_pdf(completed["provider_certificate"]))


def test_the_pdf_speaks_the_visitors_language(client, auth, completed):
    certificate = completed["provider_certificate"]
    auth.login()
    indonesian = pdf_text(client.get(f"/portofolio/sertifikat/{certificate.id}.pdf").get_data())
    in_english(client)
    english = pdf_text(client.get(f"/portofolio/sertifikat/{certificate.id}.pdf").get_data())
    for id_words, en_words in [("SERTIFIKAT PELATIHAN", "TRAINING CERTIFICATE"), ("Peserta", "Participant"),
                               ("Nilai 85 · Lulus", "Score 85 · Passed"), ("Diterbitkan oleh", "Issued by"),
                               ("Lembaga pelatihan (LPK Cipta Bandung)", "Training provider (LPK Cipta Bandung)"),
                               ("Minggu, 21 Februari 2021", "Sunday, 21 February 2021"),
                               ("bukan sertifikat resmi", "not an official"),
                               ("Siapa pun dapat memeriksa", "Anyone can check")]:
        assert id_words in indonesian and en_words not in indonesian, id_words
        assert en_words in english and id_words not in english, en_words


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pdf_and_the_printable_page_show_the_same_facts(client, auth, completed, language):
    certificate = completed["provider_certificate"]
    auth.login()
    if language == "en":
        in_english(client)
    page = client.get(f"/portofolio/sertifikat/{certificate.id}")
    html = unescape(page.get_data(as_text=True))
    text = pdf_text(client.get(f"/portofolio/sertifikat/{certificate.id}.pdf").get_data())
    title = re.search(r"<h1>(.*?)</h1>", html).group(1)
    shown = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(?:<code[^>]*>)?(.*?)(?:</code>)?</dd>", html, re.S)
    check_line = re.search(r'id="certificate-check-line">(.*?)</p>', html, re.S).group(1)
    assert len(shown) == 7 and title.upper() in text and check_line in text
    for label, value in shown:
        assert label in text and value in text, (label, value)


def test_someone_else_gets_404_for_the_page_and_the_pdf(client, auth, completed):
    other = create_participant(nik=OTHER_NIK, full_name="Budi Santoso", phone="+6281298765432")
    create_card(other, phone="+6281298765432")
    auth.login(OTHER_NIK)
    certificate = completed["provider_certificate"]
    assert client.get(f"/portofolio/sertifikat/{certificate.id}").status_code == 404
    assert client.get(f"/portofolio/sertifikat/{certificate.id}.pdf").status_code == 404
    assert client.get("/portofolio/sertifikat/999999").status_code == 404
    assert client.get(f"/sertifikat/{PROVIDER_CODE}").status_code == 200  # the public check is for anyone


def test_anonymous_visitors_are_sent_to_log_in_for_the_holders_pages(client, completed):
    certificate = completed["provider_certificate"]
    for url in (f"/portofolio/sertifikat/{certificate.id}", f"/portofolio/sertifikat/{certificate.id}.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
