"""The demo world's training catalogue, as plain data (no Flask, no database).

Ten kejuruan, 40 programmes, 12 lembaga pelatihan and 100 offerings. The offerings are generated
by `offerings(base)` from a private `random.Random(2021)`, so every run yields the same catalogue,
with dates counted from `base`. `portal.demo.seed` writes all of this to the database.
"""
from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta

# (slug, name) of each kejuruan.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("teknologi-informasi", "Teknologi Informasi"),
    ("bisnis-manajemen", "Bisnis dan Manajemen"),
    ("pariwisata", "Pariwisata"),
    ("otomotif", "Otomotif"),
    ("garmen", "Garmen dan Menjahit"),
    ("pengolahan-makanan", "Pengolahan Makanan"),
    ("bahasa", "Bahasa"),
    ("las", "Las"),
    ("listrik", "Listrik"),
    ("tata-kecantikan", "Tata Kecantikan"),
)


def _programme(slug: str, category: str, hours: int, title: str, description: str) -> dict:
    return {"slug": slug, "category": category, "hours": hours, "title": title,
            "description": description}


P = _programme
PROGRAMMES: tuple[dict, ...] = (
    # Teknologi Informasi
    P("pemrograman-web-dasar-php-mysql", "teknologi-informasi", 80,
      "Pemrograman Web Dasar dengan PHP dan MySQL",
      "Peserta belajar membuat situs web dinamis dengan HTML, CSS, PHP dan basis data MySQL, "
      "sampai aplikasi sederhana seperti buku tamu dan katalog produk. Cocok untuk lulusan "
      "SMA/SMK yang ingin memulai karier sebagai programmer web junior."),
    P("desain-grafis-promosi-coreldraw", "teknologi-informasi", 48,
      "Desain Grafis untuk Media Promosi dengan CorelDRAW",
      "Peserta belajar membuat logo, brosur, spanduk dan konten media sosial dengan CorelDRAW, "
      "termasuk menyiapkan berkas untuk percetakan. Ditujukan bagi pencari kerja dan pelaku usaha "
      "yang ingin bekerja di percetakan atau membuka jasa desain."),
    P("operator-komputer-perkantoran", "teknologi-informasi", 40,
      "Operator Komputer Perkantoran (Word, Excel, PowerPoint)",
      "Peserta belajar mengetik surat dan laporan, mengolah data dengan rumus dan tabel pivot, "
      "serta membuat bahan presentasi. Cocok untuk calon staf administrasi yang belum terbiasa "
      "memakai komputer di kantor."),
    P("teknisi-jaringan-komputer-dasar", "teknologi-informasi", 120,
      "Teknisi Jaringan Komputer Dasar",
      "Peserta belajar memasang kabel UTP, mengatur router dan access point, membagi alamat IP, "
      "dan mencari penyebab gangguan jaringan. Ditujukan bagi lulusan SMK TKJ dan pencari kerja "
      "yang ingin bekerja di penyedia internet atau bagian TI perusahaan."),
    # Bisnis dan Manajemen
    P("digital-marketing-umkm", "bisnis-manajemen", 24,
      "Digital Marketing untuk UMKM",
      "Peserta belajar menyusun strategi pemasaran daring, membuat konten Instagram dan "
      "WhatsApp Business, serta memasang iklan berbayar dengan anggaran kecil. Cocok untuk "
      "pemilik usaha mikro dan kecil yang ingin menjangkau pembeli baru."),
    P("pembukuan-sederhana-usaha-kecil", "bisnis-manajemen", 20,
      "Pembukuan Sederhana untuk Usaha Kecil",
      "Peserta belajar mencatat kas masuk dan keluar, memisahkan uang usaha dari uang pribadi, "
      "menghitung harga pokok dan laba, serta menyusun laporan bulanan. Ditujukan bagi pedagang "
      "dan pelaku usaha rumahan yang belum punya catatan keuangan."),
    P("berjualan-online-marketplace", "bisnis-manajemen", 16,
      "Berjualan Online di Marketplace",
      "Peserta belajar membuka toko di marketplace, memotret produk, menulis deskripsi yang "
      "menjual, mengatur ongkos kirim dan melayani ulasan pembeli. Cocok untuk siapa saja yang "
      "ingin memulai usaha dari rumah."),
    P("administrasi-perkantoran-kearsipan", "bisnis-manajemen", 64,
      "Administrasi Perkantoran dan Kearsipan",
      "Peserta belajar surat-menyurat dinas, pengelolaan arsip fisik dan digital, agenda rapat "
      "dan pelayanan tamu. Ditujukan bagi calon staf administrasi, sekretaris dan resepsionis."),
    # Pariwisata
    P("barista-kopi-nusantara", "pariwisata", 40,
      "Barista Kopi Nusantara",
      "Peserta mengenal biji kopi dari Gayo, Toraja hingga Kintamani, belajar menggiling, "
      "menyeduh manual brew dan membuat espresso serta latte art dasar. Cocok untuk calon "
      "barista dan pemilik kedai kopi."),
    P("room-attendant-hotel", "pariwisata", 120,
      "Room Attendant (Housekeeping) Hotel",
      "Peserta belajar membersihkan dan menata kamar tamu sesuai standar hotel berbintang, "
      "menangani linen, serta melapor barang tertinggal. Ditujukan bagi pencari kerja yang ingin "
      "bekerja di hotel, vila atau kapal pesiar."),
    P("pemandu-wisata-lokal", "pariwisata", 48,
      "Pemandu Wisata Lokal",
      "Peserta belajar menyusun rute wisata, bercerita tentang sejarah dan budaya daerah, "
      "menjaga keselamatan rombongan dan melayani wisatawan asing. Cocok untuk pemuda desa "
      "wisata dan pegiat pariwisata daerah."),
    P("pramusaji-restoran-hotel", "pariwisata", 96,
      "Pramusaji Restoran dan Hotel (Food and Beverage Service)",
      "Peserta belajar menata meja, menerima pesanan, menyajikan makanan dan minuman, serta "
      "menangani keluhan tamu. Ditujukan bagi calon pramusaji di restoran, hotel dan katering."),
    # Otomotif
    P("teknisi-sepeda-motor-injeksi", "otomotif", 160,
      "Teknisi Sepeda Motor Injeksi",
      "Peserta belajar merawat dan memperbaiki sepeda motor injeksi: sistem bahan bakar, "
      "pengapian, kelistrikan dan pemindaian kode kerusakan dengan alat diagnosis. Cocok untuk "
      "calon mekanik bengkel resmi dan yang ingin membuka bengkel sendiri."),
    P("servis-berkala-mobil-bensin", "otomotif", 120,
      "Servis Berkala Mobil Bensin",
      "Peserta belajar melakukan servis berkala mobil bensin: ganti oli dan filter, memeriksa "
      "rem, suspensi dan sistem pendingin, serta mengisi lembar kerja bengkel. Ditujukan bagi "
      "calon mekanik mobil tingkat pemula."),
    P("kelistrikan-bodi-kendaraan-ringan", "otomotif", 80,
      "Kelistrikan Bodi Kendaraan Ringan",
      "Peserta belajar membaca diagram kelistrikan, memperbaiki lampu, klakson, wiper dan "
      "power window, serta mencari korsleting. Cocok untuk mekanik yang ingin menambah keahlian "
      "kelistrikan otomotif."),
    P("perawatan-ac-mobil", "otomotif", 64,
      "Perawatan dan Perbaikan AC Mobil",
      "Peserta belajar cara kerja AC mobil, mencari kebocoran, mengisi ulang refrigeran dan "
      "mengganti komponen yang rusak. Ditujukan bagi mekanik dan calon pemilik bengkel AC mobil."),
    # Garmen dan Menjahit
    P("menjahit-pakaian-wanita", "garmen", 120,
      "Menjahit Pakaian Wanita",
      "Peserta belajar mengukur badan, membuat pola, memotong kain dan menjahit blus, rok dan "
      "gamis. Cocok untuk ibu rumah tangga dan pencari kerja yang ingin membuka usaha jahit."),
    P("menjahit-kemeja-celana-pria", "garmen", 120,
      "Menjahit Kemeja dan Celana Pria",
      "Peserta belajar membuat pola dan menjahit kemeja lengan panjang serta celana panjang "
      "pria hingga rapi siap pakai. Ditujukan bagi calon penjahit di konveksi dan usaha "
      "penjahit rumahan."),
    P("operator-mesin-jahit-industri", "garmen", 80,
      "Operator Mesin Jahit Industri",
      "Peserta belajar mengoperasikan mesin jahit high speed, obras dan overdeck, serta bekerja "
      "dengan target di lini produksi garmen. Cocok untuk pencari kerja yang ingin bekerja di "
      "pabrik garmen."),
    P("pola-busana-muslim", "garmen", 64,
      "Desain dan Pembuatan Pola Busana Muslim",
      "Peserta belajar merancang busana muslim, membuat pola dasar dan pecah pola, serta "
      "menghitung kebutuhan kain. Ditujukan bagi penjahit yang ingin membuat produk sendiri."),
    # Pengolahan Makanan
    P("roti-kue-usaha-rumahan", "pengolahan-makanan", 40,
      "Pembuatan Roti dan Kue untuk Usaha Rumahan",
      "Peserta belajar membuat roti manis, bolu dan kue kering, menghitung harga jual dan "
      "mengemas produk agar tahan lama. Cocok untuk ibu rumah tangga dan calon pengusaha kue."),
    P("produksi-frozen-food-rumahan", "pengolahan-makanan", 32,
      "Produksi Makanan Beku (Frozen Food) Rumahan",
      "Peserta belajar membuat nugget, dimsum dan risoles beku, menyimpan dan mengemas dengan "
      "vakum, serta mengirim produk beku dengan aman. Ditujukan bagi pelaku usaha kuliner "
      "rumahan."),
    P("keamanan-pangan-pirt", "pengolahan-makanan", 16,
      "Keamanan Pangan dan Perizinan PIRT",
      "Peserta belajar cara produksi pangan yang baik, kebersihan dapur, pelabelan kemasan dan "
      "langkah mengurus izin PIRT. Cocok untuk pelaku usaha makanan yang ingin produknya masuk "
      "toko modern."),
    P("olahan-hasil-perikanan", "pengolahan-makanan", 40,
      "Pengolahan Hasil Perikanan: Abon, Kerupuk dan Bakso Ikan",
      "Peserta belajar mengolah ikan segar menjadi abon, kerupuk dan bakso yang awet dan bernilai "
      "jual tinggi. Ditujukan bagi keluarga nelayan dan kelompok usaha di daerah pesisir."),
    # Bahasa
    P("bahasa-inggris-pelayanan-hotel", "bahasa", 60,
      "Bahasa Inggris untuk Pelayanan Hotel",
      "Peserta belajar percakapan bahasa Inggris di resepsionis, restoran dan layanan kamar, "
      "termasuk menerima telepon dan menangani keluhan tamu. Cocok untuk calon pekerja hotel dan "
      "pariwisata."),
    P("bahasa-jepang-calon-pemagang", "bahasa", 160,
      "Bahasa Jepang untuk Calon Pemagang (Setara N4)",
      "Peserta belajar hiragana, katakana, kanji dasar dan percakapan sehari-hari di tempat kerja "
      "hingga setara JLPT N4. Ditujukan bagi calon peserta pemagangan ke Jepang."),
    P("bahasa-inggris-percakapan-kerja", "bahasa", 40,
      "Bahasa Inggris Percakapan di Tempat Kerja",
      "Peserta berlatih memperkenalkan diri, wawancara kerja, rapat dan menulis surel sederhana "
      "dalam bahasa Inggris. Cocok untuk pencari kerja yang melamar ke perusahaan multinasional."),
    P("bahasa-korea-eps-topik", "bahasa", 120,
      "Bahasa Korea Persiapan EPS-TOPIK",
      "Peserta belajar huruf Hangeul, tata bahasa dasar, menyimak dan membaca soal EPS-TOPIK. "
      "Ditujukan bagi calon pekerja migran program G to G ke Korea Selatan."),
    # Las
    P("juru-las-smaw-3g", "las", 160,
      "Juru Las SMAW 3G",
      "Peserta berlatih mengelas pelat posisi vertikal (3G) dengan las busur manual sesuai "
      "prosedur WPS, lalu diuji secara visual dan uji tekuk. Cocok untuk juru las yang ingin "
      "bekerja di galangan kapal, konstruksi baja atau migas."),
    P("las-smaw-1g-pemula", "las", 80,
      "Las Listrik (SMAW) Posisi Bawah Tangan 1G",
      "Peserta belajar keselamatan kerja, menyetel mesin las, memilih elektroda dan membuat "
      "sambungan las posisi datar. Ditujukan bagi pemula tanpa pengalaman mengelas."),
    P("juru-las-gmaw-mig-mag", "las", 120,
      "Juru Las GMAW (MIG/MAG) Pelat",
      "Peserta belajar mengelas pelat baja dengan las MIG/MAG, mengatur gas pelindung dan "
      "kecepatan kawat, serta memeriksa cacat las. Cocok untuk calon operator las di industri "
      "manufaktur dan karoseri."),
    P("fabrikasi-pagar-teralis-kanopi", "las", 64,
      "Fabrikasi Pagar, Teralis dan Kanopi Besi",
      "Peserta belajar mengukur, memotong, mengelas dan mengecat pagar, teralis dan rangka "
      "kanopi, serta menghitung biaya pekerjaan. Ditujukan bagi yang ingin membuka bengkel las."),
    # Listrik
    P("instalasi-listrik-rumah-tinggal", "listrik", 96,
      "Instalasi Listrik Rumah Tinggal",
      "Peserta belajar merencanakan dan memasang instalasi penerangan dan stop kontak rumah "
      "sesuai PUIL, memasang MCB, serta menguji tahanan isolasi. Cocok untuk calon instalatir "
      "dan tukang listrik bangunan."),
    P("pemasangan-plts-atap", "listrik", 64,
      "Pemasangan Pembangkit Listrik Tenaga Surya Atap",
      "Peserta belajar menghitung kebutuhan daya, memasang panel surya, inverter dan baterai, "
      "serta merawat sistem PLTS atap. Ditujukan bagi teknisi listrik yang ingin masuk bidang "
      "energi terbarukan."),
    P("pemasangan-servis-ac-split", "listrik", 80,
      "Pemasangan dan Servis AC Split",
      "Peserta belajar memasang unit AC split, memvakum dan mengisi refrigeran, mencuci AC dan "
      "memperbaiki kerusakan kelistrikannya. Cocok untuk calon teknisi AC dan pemilik usaha jasa "
      "servis."),
    P("perbaikan-peralatan-listrik-rumah-tangga", "listrik", 48,
      "Perbaikan Peralatan Listrik Rumah Tangga",
      "Peserta belajar memakai multimeter, mencari kerusakan dan memperbaiki setrika, kipas "
      "angin, rice cooker dan pompa air. Ditujukan bagi yang ingin membuka jasa servis "
      "elektronik."),
    # Tata Kecantikan
    P("tata-rias-wajah-pemula", "tata-kecantikan", 48,
      "Tata Rias Wajah (Make-up Artist) Pemula",
      "Peserta belajar mengenal jenis kulit, memilih kosmetik dan merias wajah untuk acara "
      "sehari-hari, wisuda dan pesta. Cocok untuk yang ingin menjadi perias lepas."),
    P("pangkas-rambut-pria-barber", "tata-kecantikan", 40,
      "Pangkas Rambut Pria (Barber)",
      "Peserta belajar memakai gunting dan clipper, membuat potongan fade, undercut dan klasik, "
      "serta menjaga kebersihan alat. Ditujukan bagi calon kapster dan pemilik barbershop."),
    P("perawatan-kulit-wajah-salon", "tata-kecantikan", 48,
      "Perawatan Kulit Wajah (Facial) untuk Salon",
      "Peserta belajar menganalisis kulit, membersihkan, memijat dan memakai masker wajah sesuai "
      "standar salon. Cocok untuk calon terapis salon dan spa."),
    P("tata-rias-pengantin-modern-hijab", "tata-kecantikan", 64,
      "Tata Rias Pengantin Modern dan Hijab",
      "Peserta belajar merias pengantin, menata sanggul dan kreasi hijab pengantin, serta "
      "menyusun paket jasa rias. Ditujukan bagi perias yang ingin menerima pesanan pernikahan."),
)
del P

# `categories` lists the kejuruan a provider teaches; offerings are drawn only from those.
PROVIDERS: tuple[dict, ...] = (
    {"key": "bbplk-bandung", "name": "BBPLK Bandung", "kind": "blk_pemerintah",
     "city": "Kota Bandung", "province_code": "32", "prakerja_label": True,
     "categories": ("teknologi-informasi", "otomotif", "listrik", "las", "bisnis-manajemen")},
    {"key": "bbplk-semarang", "name": "BBPLK Semarang", "kind": "blk_pemerintah",
     "city": "Kota Semarang", "province_code": "33", "prakerja_label": True,
     "categories": ("teknologi-informasi", "otomotif", "las", "listrik", "garmen",
                    "pengolahan-makanan")},
    {"key": "bbplk-medan", "name": "BBPLK Medan", "kind": "blk_pemerintah",
     "city": "Kota Medan", "province_code": "12", "prakerja_label": False,
     "categories": ("otomotif", "las", "listrik", "teknologi-informasi", "bahasa")},
    {"key": "upt-blk-surabaya", "name": "UPT BLK Surabaya", "kind": "blk_pemerintah",
     "city": "Kota Surabaya", "province_code": "35", "prakerja_label": True,
     "categories": ("garmen", "pengolahan-makanan", "tata-kecantikan", "pariwisata",
                    "teknologi-informasi", "listrik")},
    {"key": "blk-makassar", "name": "BLK Makassar", "kind": "blk_pemerintah",
     "city": "Kota Makassar", "province_code": "73", "prakerja_label": False,
     "categories": ("las", "otomotif", "pariwisata", "garmen", "pengolahan-makanan")},
    {"key": "blk-komunitas-al-hikmah", "name": "BLK Komunitas Pesantren Al-Hikmah",
     "kind": "blk_komunitas", "city": "Kabupaten Brebes", "province_code": "33",
     "prakerja_label": False,
     "categories": ("garmen", "teknologi-informasi", "pengolahan-makanan", "otomotif",
                    "bisnis-manajemen")},
    {"key": "blk-komunitas-darul-ulum", "name": "BLK Komunitas Pondok Pesantren Darul Ulum",
     "kind": "blk_komunitas", "city": "Kabupaten Jombang", "province_code": "35",
     "prakerja_label": True,
     "categories": ("teknologi-informasi", "garmen", "las", "bisnis-manajemen",
                    "pengolahan-makanan")},
    {"key": "blk-komunitas-karya-bhakti", "name": "BLK Komunitas Yayasan Karya Bhakti",
     "kind": "blk_komunitas", "city": "Kabupaten Tangerang", "province_code": "36",
     "prakerja_label": False,
     "categories": ("garmen", "las", "otomotif", "tata-kecantikan", "listrik")},
    {"key": "lpk-cipta-karya-mandiri", "name": "LPK Cipta Karya Mandiri", "kind": "lpk_swasta",
     "city": "Kota Jakarta Timur", "province_code": "31", "prakerja_label": True,
     "categories": ("teknologi-informasi", "bisnis-manajemen", "bahasa", "tata-kecantikan")},
    {"key": "lpk-nusantara-digital", "name": "LPK Nusantara Digital Academy",
     "kind": "lpk_swasta", "city": "Kota Yogyakarta", "province_code": "34",
     "prakerja_label": True,
     "categories": ("teknologi-informasi", "bisnis-manajemen", "bahasa", "pariwisata")},
    {"key": "lpk-dewata-hospitality", "name": "LPK Dewata Hospitality", "kind": "lpk_swasta",
     "city": "Kota Denpasar", "province_code": "51", "prakerja_label": True,
     "categories": ("pariwisata", "bahasa", "pengolahan-makanan", "tata-kecantikan")},
    {"key": "lpk-mitra-bahasa-asia", "name": "LPK Mitra Bahasa Asia", "kind": "lpk_swasta",
     "city": "Kabupaten Sleman", "province_code": "34", "prakerja_label": False,
     "categories": ("bahasa", "pariwisata", "bisnis-manajemen")},
)

OFFERING_COUNT = 100
_SEED = 2021
# Hands-on kejuruan are taught mostly in a workshop; knowledge ones mostly online.
# Weights for (daring, luring, campuran).
_MODE_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "las": (0, 3, 1),
    "otomotif": (0, 3, 1),
    "listrik": (1, 3, 2),
    "garmen": (1, 2, 2),
    "pengolahan-makanan": (1, 2, 2),
    "tata-kecantikan": (1, 2, 2),
    "pariwisata": (1, 2, 2),
    "teknologi-informasi": (3, 1, 1),
    "bisnis-manajemen": (3, 1, 1),
    "bahasa": (3, 1, 1),
}
_MODES = ("daring", "luring", "campuran")


def _offerings_per_programme(rng: random.Random, eligible: list[list[dict]]) -> list[int]:
    """How many providers offer each programme: a few 1s, most 2-4, summing to 100."""
    counts = [2] * len(PROGRAMMES)
    singles = rng.sample(range(len(PROGRAMMES)), 4)
    for i in singles:
        counts[i] = 1
    while sum(counts) < OFFERING_COUNT:
        i = rng.randrange(len(PROGRAMMES))
        # Singles stay single, so the catalogue keeps some one-provider programmes.
        if i not in singles and counts[i] < min(4, len(eligible[i])):
            counts[i] += 1
    return counts


def offerings(base: date) -> Iterator[dict]:
    """Yield the 100 demo offerings, starting 7 to 90 days after `base`.

    Same output on every call: only the dates move with `base`. Each programme's first provider
    carries the Kartu Prakerja label, so every programme can be bought with the card.
    """
    rng = random.Random(_SEED)
    eligible = [[p for p in PROVIDERS if prog["category"] in p["categories"]]
                for prog in PROGRAMMES]
    counts = _offerings_per_programme(rng, eligible)
    for prog, providers, count in zip(PROGRAMMES, eligible, counts, strict=True):
        labelled = [p for p in providers if p["prakerja_label"]]
        first = rng.choice(labelled)
        rest = rng.sample([p for p in providers if p is not first], count - 1)
        for provider in [first, *rest]:
            mode = rng.choices(_MODES, weights=_MODE_WEIGHTS[prog["category"]])[0]
            # Online lessons are short sessions; workshop days are full days.
            hours_a_day = rng.choice((2, 3, 4)) if mode == "daring" else rng.choice((6, 7, 8))
            duration_days = math.ceil(prog["hours"] / hours_a_day)
            price = round(prog["hours"] * rng.uniform(4000, 9000) / 5000) * 5000
            offset = rng.randint(7, 90)
            start = base + timedelta(days=offset)
            yield {
                "programme": prog["slug"],
                "provider": provider["key"],
                "price": min(max(price, 100_000), 1_000_000),
                "seats": rng.randrange(10, 61, 5),
                "mode": mode,
                "city": provider["city"],
                "province_code": provider["province_code"],
                "start_offset_days": offset,
                "duration_days": duration_days,
                "start_date": start,
                "end_date": start + timedelta(days=duration_days - 1),
            }
