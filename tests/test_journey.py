"""The Sisnaker tutorial, all eight steps, through the forms as a job seeker fills them."""
import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Enrollment
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.factories import create_offering, create_programme, create_wave

NIK = "3273014508950011"
PHONE = "+6281234567890"


def test_from_buat_akun_to_mulai_pelatihan(app, client, runner, sms, clock):
    programme = create_programme(title="Pemrograman Web Dasar dengan PHP dan MySQL")
    offering = create_offering(programme=programme, price=750_000)
    create_wave(number=17)
    from portal.demo.sessions import seed_training_sessions
    seed_training_sessions()
    db.session.commit()

    # 1. Buat Akun, activation by SMS, Masuk
    page = client.get("/")
    page = client.get(re.search(r'href="(/buat-akun)"', page.get_data(as_text=True)).group(1))
    filled = form(client, page, "Daftar Sekarang")
    for label, value in {"NIK": NIK, "Nama Lengkap": "Rina Marlina", "Nama Ibu Kandung": "Sri Wahyuni",
                         "Email": "rina@contoh.id", "Nomor HP": "0812 3456 7890",
                         "Kata Sandi": "kopi susu gula aren", "Ulangi Kata Sandi": "kopi susu gula aren"}.items():
        filled.fill(label, value)
    page = filled.submit()
    page = form(client, page, "Aktivasi Sekarang").fill("Kode OTP", sms.last_code(PHONE)).submit()
    page = form(client, page, "Masuk").fill("NIK atau Email", NIK).fill("Kata Sandi", "kopi susu gula aren").submit()
    assert "Selamat datang, Rina Marlina." in page.get_data(as_text=True)

    # the PMO issues a card (the command line, for now)
    result = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Rina Marlina",
                                 "--phone", "0812 3456 7890", "--wave", "17"])
    card_number = result.output.strip()

    # 2–3. Pelatihan → Daftar sebagai Peserta Pelatihan
    page = client.get("/pelatihan/")
    page = client.get("/pelatihan/daftar-peserta")
    page = (form(client, page, "Simpan").fill("Pendidikan Terakhir", "SMA / SMK / sederajat")
            .fill("Provinsi", "Jawa Barat").fill("Kabupaten/Kota", "Kota Bandung")
            .fill("Alamat", "Jl. Asia Afrika No. 8").submit())

    # 4. choose a programme: search for it
    page = form(client, page, "Cari").fill("Cari pelatihan", "web").submit()
    link = re.search(r'href="(/pelatihan/program/[^"]+)"', page.get_data(as_text=True)).group(1)
    page = client.get(link)
    assert "Kartu Prakerja" in page.get_data(as_text=True)

    # 5. a labelled provider → Daftar
    page = client.get(re.search(r'href="(/prakerja/daftar/\d+)"', page.get_data(as_text=True)).group(1))

    # 6. Nomor Kartu Prakerja → Kirim OTP → Kode OTP → Verifikasi
    page = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", card_number).submit()
    page = form(client, page, "Verifikasi").fill("Kode OTP", sms.last_code(PHONE)).submit()
    html = page.get_data(as_text=True)
    assert "Pembayaran Berhasil" in html and "Rp250.000" in html

    # 7. Cek Portofolio → the training's title
    page = client.get(re.search(r'href="(/portofolio/)"[^>]*>Cek Portofolio', html).group(1))
    html = page.get_data(as_text=True)
    assert "Belum dimulai" in html
    page = client.get(re.search(r'href="(/portofolio/pelatihan/\d+)"', html).group(1))

    # 8. Mulai Pelatihan
    page = form(client, page, "Mulai Pelatihan").submit()
    html = page.get_data(as_text=True)
    assert "Sedang berjalan" in html and "Tandai selesai" in html
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.status == "in_progress" and enrollment.started_at is not None
    assert enrollment.offering_id == offering.id and check_ledger().balanced
