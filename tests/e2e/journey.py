"""The Sisnaker tutorial's eight steps in a real browser, by visible labels only.

`walk` takes a driver (mouse or keyboard) and a `check(step_name)` callback, so the same journey
proves accessibility, phone width, page weight, no-JavaScript and keyboard-only use.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.drivers import Mouse

DEMO_PASSWORD = "coba simulasi saja"
PASSWORD = "kopi susu gula aren"
_serial = itertools.count(7001)  # NIK serials the demo world does not use
MOTHER = "Sri Wahyuni"


@dataclass
class Person:
    nik: str
    name: str
    email: str
    phone: str  # as typed: local format
    mother: str = MOTHER

    @classmethod
    def new(cls, name: str, server) -> Person:
        """A newcomer, recorded in the population registry first (`flask population add`), as
        Buat Akun checks NIK, name and mother's maiden name there."""
        n = next(_serial)
        person = cls(nik=f"327301450895{n:04d}", name=name, email=f"e2e{n}@contoh.id", phone=f"0812 7000 {n:04d}")
        server.flask("population", "add", "--nik", person.nik, "--name", person.name, "--mother", person.mother)
        return person

    @classmethod
    def presenter(cls) -> Person:
        """The README's presenter script's newcomer: the demo seed has her population record."""
        return cls(nik="3273014508950011", name="Rina Marlina", email="rina@contoh.id", phone="0812 3456 7890")


def sms_code(context: BrowserContext) -> str:
    """The newest code on HP Simulasi, read in another tab as a presenter would."""
    phone = context.new_page()
    try:
        phone.goto("/demo/hp")
        return re.search(r"\b(\d{6})\b", phone.locator("main").inner_text()).group(1)
    finally:
        phone.close()


def log_in(page: Page, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/masuk")
    page.get_by_label("NIK atau Email", exact=True).fill(login)
    page.get_by_label("Kata Sandi", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk", exact=True).click()


def issue_card(admin: Page, person: Person, wave: int = 17) -> str:
    """The PMO issues the person a card on Administrasi → Terbitkan kartu; returns its number."""
    admin.goto("/admin/kartu")
    form = admin.locator("#issue")
    form.get_by_label("NIK", exact=True).fill(person.nik)
    form.get_by_label("Nama Lengkap", exact=True).fill(person.name)
    form.get_by_label("Nomor HP", exact=True).fill(person.phone)
    form.get_by_label("Gelombang", exact=True).select_option(str(wave))
    with admin.expect_navigation():
        form.get_by_role("button", name="Terbitkan kartu").click()
    return admin.locator("#new-card").get_attribute("data-card-number")


def create_account(driver: Mouse, person: Person) -> None:
    """Fill Buat Akun for `person` and press Daftar Sekarang: the activation page comes next."""
    for label, value in {"NIK": person.nik, "Nama Lengkap": person.name, "Nama Ibu Kandung": person.mother,
                         "Email": person.email, "Nomor HP": person.phone, "Kata Sandi": PASSWORD,
                         "Ulangi Kata Sandi": PASSWORD}.items():
        driver.fill(label, value)
    driver.press_button("Daftar Sekarang")


def walk(page: Page, driver: Mouse, person: Person, check, admin: Page) -> None:
    """From Buat Akun to Mulai Pelatihan; `check(name)` runs at every page, `step` marks the tutorial's."""
    # 1. Buat Akun, the activation code by SMS, Masuk
    page.goto("/")
    check("beranda")
    driver.follow(page.get_by_role("link", name="Buat Akun").first)
    check("buat-akun", step="1a")
    create_account(driver, person)
    check("aktivasi", step="1b")
    driver.fill("Kode OTP", sms_code(page.context))
    driver.press_button("Aktivasi Sekarang")
    check("masuk")
    driver.fill("NIK atau Email", person.nik)
    driver.fill("Kata Sandi", PASSWORD)
    driver.press_button("Masuk")
    expect(page.get_by_text(f"Selamat datang, {person.name}.")).to_be_visible()
    check("selamat-datang")

    card_number = issue_card(admin, person)

    # 2–3. Pelatihan → Daftar sebagai Peserta Pelatihan
    driver.follow(page.get_by_role("link", name="Pelatihan", exact=True).first)
    check("pelatihan", step="2")
    driver.follow(page.get_by_role("link", name="Daftar sebagai Peserta Pelatihan"))
    check("daftar-peserta", step="3")
    driver.choose("Pendidikan Terakhir", "SMA / SMK / sederajat")
    driver.choose("Provinsi", "Jawa Barat")
    driver.fill("Kabupaten/Kota", "Kota Bandung")
    driver.fill("Alamat", "Jl. Asia Afrika No. 8")
    driver.press_button("Simpan")
    check("peserta-terdaftar")

    # 4. a programme, found by searching
    driver.fill("Cari pelatihan", "web")
    driver.press_button("Cari")
    check("hasil-pencarian")
    driver.follow(page.locator("article.programme-card h3 a").first)
    check("program", step="4")

    # 5. a provider with the Kartu Prakerja label → Daftar
    driver.follow(page.get_by_role("link", name=re.compile(r"^Daftar di ")).first)
    check("nomor-kartu", step="5")

    # 6. Nomor Kartu Prakerja → Kirim OTP → Kode OTP → Verifikasi
    driver.fill("Nomor Kartu Prakerja", card_number)
    driver.press_button("Kirim OTP")
    check("kode-otp", step="6a")
    driver.fill("Kode OTP", sms_code(page.context))
    driver.press_button("Verifikasi")
    expect(page.get_by_role("heading", name="Pembayaran Berhasil")).to_be_visible()
    check("pembayaran-berhasil", step="6b")

    # 7. Cek Portofolio → the training's title
    driver.follow(page.get_by_role("link", name="Cek Portofolio").first)
    expect(page.get_by_text("Belum dimulai").first).to_be_visible()
    check("portofolio")
    driver.follow(page.locator('main a[href^="/portofolio/pelatihan/"]').first)
    check("pelatihan-saya", step="7")

    # 8. Mulai Pelatihan
    driver.press_button("Mulai Pelatihan")
    expect(page.get_by_text("Sedang berjalan").first).to_be_visible()
    check("mulai-pelatihan", step="8")
