"""Bad input in a real browser: each error is announced, tied to its field, and nothing typed is lost."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.journey import PASSWORD


def test_errors_are_announced_and_tied_to_their_fields(page):
    page.goto("/buat-akun")
    page.get_by_label("NIK", exact=True).fill("12345")
    page.get_by_label("Nama Lengkap", exact=True).fill("Rina Marlina")
    page.get_by_label("Nama Ibu Kandung", exact=True).fill("Sri Wahyuni")
    page.get_by_label("Email", exact=True).fill("rina.salah@contoh.id")
    page.get_by_label("Nomor HP", exact=True).fill("0812 7000 6999")
    page.get_by_label("Kata Sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi Kata Sandi", exact=True).fill(PASSWORD + " lain")
    page.get_by_role("button", name="Daftar Sekarang").click()

    repeat = page.get_by_label("Ulangi Kata Sandi", exact=True)
    expect(repeat).to_have_attribute("aria-invalid", "true")
    expect(repeat).to_have_accessible_description("Kata sandi tidak sama.")
    # Screen readers hear each error as it appears.
    expect(page.get_by_role("alert").filter(has_text="Kata sandi tidak sama.")).to_have_count(1)
    # What was typed stays (the passwords are asked again, as browsers expect).
    expect(page.get_by_label("Nama Lengkap", exact=True)).to_have_value("Rina Marlina")
    expect(page.get_by_label("Email", exact=True)).to_have_value("rina.salah@contoh.id")

    page.get_by_label("Kata Sandi", exact=True).fill(PASSWORD)
    repeat.fill(PASSWORD)
    page.get_by_role("button", name="Daftar Sekarang").click()
    nik = page.get_by_label("NIK", exact=True)
    expect(nik).to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_accessible_description(re.compile("NIK harus terdiri dari tepat 16 angka."))
    expect(page.get_by_role("alert").filter(has_text="NIK harus terdiri dari tepat 16 angka.")).to_have_count(1)
    expect(nik).to_have_value("12345")
    expect(page.get_by_label("Nomor HP", exact=True)).to_have_value("0812 7000 6999")
