"""A provider publishes an offering; the PMO moves the demo clock and watches a card be revoked."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.journey import log_in


def test_a_provider_publishes_an_offering_that_job_seekers_then_see(open_browser, screenshots):
    provider = open_browser()
    log_in(provider, "lembaga@demo.prakerja.id")
    provider.get_by_role("link", name="Lembaga", exact=True).click()
    provider.get_by_role("link", name="Tawarkan pelatihan").click()
    programme = provider.get_by_label("Program pelatihan", exact=True)
    chosen = programme.locator("option").nth(1)  # the first real programme after "Pilih…"
    title = chosen.inner_text().strip()
    programme.select_option(chosen.get_attribute("value"))
    provider.get_by_label("Harga (Rp)", exact=True).fill("512.000")
    provider.get_by_label("Kursi", exact=True).fill("25")
    provider.get_by_label("Metode", exact=True).select_option(label="Daring")
    provider.get_by_label("Kabupaten/Kota", exact=True).fill("Kota Bandung")
    provider.get_by_label("Provinsi", exact=True).select_option(label="Jawa Barat")
    provider.get_by_label("Tanggal mulai", exact=True).fill("2027-02-01")
    provider.get_by_label("Tanggal selesai", exact=True).fill("2027-03-15")
    screenshots(provider, "lembaga-1-tawarkan-pelatihan")
    provider.get_by_role("button", name="Simpan", exact=True).click()

    draft = provider.locator("article.offering", has=provider.locator(".price[data-price='512000']"))
    expect(draft).to_have_attribute("data-published", "false")
    draft.get_by_role("button", name="Terbitkan").click()
    published = provider.locator("article.offering", has=provider.locator(".price[data-price='512000']"))
    expect(published).to_have_attribute("data-published", "true")
    published.scroll_into_view_if_needed()
    screenshots(provider, "lembaga-2-terbit")

    visitor = open_browser()
    visitor.goto("/pelatihan/")
    visitor.get_by_label("Cari pelatihan", exact=True).fill(title)
    visitor.get_by_role("button", name="Cari", exact=True).click()
    visitor.get_by_role("link", name=title, exact=True).first.click()
    row = visitor.locator("main li, main tr, main article").filter(has_text="LPK Cipta Karya Mandiri") \
        .filter(has_text="Rp512.000")
    expect(row.first).to_be_visible()


def _revoked(admin, wave: int) -> int:
    return int(admin.locator(f"#wave-{wave} [data-figure='revoked']").inner_text())


def test_the_pmo_moves_the_demo_clock_and_a_card_is_revoked(open_browser, screenshots):
    admin = open_browser()
    log_in(admin, "admin@demo.prakerja.id")
    agus = open_browser()
    log_in(agus, "agus@demo.prakerja.id")
    agus.goto("/portofolio/")
    expect(agus.get_by_text("Dicabut", exact=True)).to_have_count(0)

    admin.get_by_role("link", name="Gelombang", exact=True).click()
    before = _revoked(admin, 16)
    try:
        admin.get_by_role("button", name="Tepat setelah tenggat berikutnya").click()
        expect(admin.locator(".alert--success")).to_be_visible()
        screenshots(admin, "admin-1-jam-demo")
        sweep = admin.locator("li", has=admin.locator("#job-sweep"))
        sweep.get_by_role("button", name="Jalankan sekarang").click()
        expect(admin.locator("#wave-16 [data-figure='revoked']")).to_have_text(str(before + 1))
        screenshots(admin, "admin-2-kartu-dicabut")

        agus.goto("/portofolio/")
        expect(agus.get_by_text("Dicabut", exact=True).first).to_be_visible()
        expect(agus.get_by_text("Masuk daftar hitam").first).to_be_visible()
        screenshots(agus, "admin-3-portofolio-agus")
    finally:
        admin.goto("/admin/gelombang")
        admin.get_by_role("button", name="Kembalikan ke waktu sebenarnya").click()
        expect(admin.locator(".portal-time")).to_have_attribute("data-offset-seconds", re.compile(r"^0$"))
