"""Klaim NIK ini: a card holder whose NIK another person took claims the account back.

The squatting of the security review, end to end: a stranger can no longer register a NIK they
only know the number of; someone who also knows the name and the mother's maiden name can, but the
card holder then claims the account with a code sent to the card's registered phone, and the
squatter is logged out for good.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import now as clock_now
from portal.extensions import db
from portal.models import AccountClaim, AuditEvent, OtpChallenge, OtpPurpose, User
from portal.services.otp import start_challenge
from tests.auth.test_register import activate, register
from tests.browser import form
from tests.conftest import Auth
from tests.factories import NIK, PHONE, create_card, create_user

pytestmark = pytest.mark.usefixtures("siti_is_known")

SQUATTER_PHONE = "+6281311111111"
SQUATTER = {"Email": "penyerobot@contoh.id", "Nomor HP": "0813-1111-1111",
            "Kata Sandi": "kopi hitam tanpa gula", "Ulangi Kata Sandi": "kopi hitam tanpa gula"}
HOLDER = {"Email": "siti.asli@contoh.id", "Nomor HP": "0812-3456-7890",  # the card's phone
          "Kata Sandi": "teh manis hangat sekali", "Ulangi Kata Sandi": "teh manis hangat sekali"}


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def squat(app, sms):
    """The squatter, knowing Siti's identity, opens and activates an account with their own phone."""
    client = app.test_client()
    assert register(client, **SQUATTER).request.path == "/aktivasi"
    activate(client, sms.last_code(SQUATTER_PHONE))
    assert "Selamat datang" in Auth(client).login(NIK, SQUATTER["Kata Sandi"]).get_data(as_text=True)
    return client


def press_claim(client):
    return form(client, client.get("/buat-akun/klaim"), "Klaim NIK ini").submit()


def enter_claim_code(client, code):
    return form(client, client.get("/buat-akun/klaim"), "Verifikasi").fill("Kode OTP", code).submit()


def audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_stranger_cannot_take_a_nik_they_only_know_the_number_of(client, sms):
    page = register(client, **{"Nama Lengkap": "Orang Lain", "Nama Ibu Kandung": "Tebakan"}, **SQUATTER)
    assert "tidak sesuai dengan data kependudukan" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0 and sms.sent == []


def test_the_holder_claims_the_account_back_and_the_squatter_is_out(app, sms, clock):
    create_card(phone=PHONE)  # the programme registered Siti's card with her phone
    squatter = squat(app, sms)
    account = db.session.scalar(select(User))
    version = account.session_version

    holder = app.test_client()
    offer = register(holder, **HOLDER)
    html = offer.get_data(as_text=True)
    assert offer.request.path == "/buat-akun/klaim" and "Klaim NIK ini" in html
    assert "berakhiran 890" in html and "3456" not in html and "+62 812" not in html  # only the last 3 digits
    assert "siti.asli@contoh.id" not in html and "penyerobot" not in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 1

    sent = press_claim(holder)
    assert "Kode sudah dikirim ke nomor HP yang terdaftar pada Kartu Prakerja Anda" in sent.get_data(as_text=True)
    assert sms.last_to(PHONE).text.startswith("SIMULASI Sisnaker: seseorang yang mengetahui NIK")
    code = sms.last_code(PHONE)

    refused = enter_claim_code(holder, wrong(code)).get_data(as_text=True)
    assert "Kode OTP salah. Sisa kesempatan: 4." in refused
    assert db.session.scalar(select(OtpChallenge.failed_attempts)
                             .where(OtpChallenge.purpose == OtpPurpose.ACCOUNT_CLAIM)) == 1  # the count sticks

    done = enter_claim_code(holder, code)
    assert done.request.path == "/masuk" and "Akun NIK Anda sekarang menjadi milik Anda" in done.get_data(as_text=True)
    db.session.refresh(account)
    assert (account.nik, account.email, account.phone) == (NIK, "siti.asli@contoh.id", PHONE)
    assert account.session_version == version + 1 and account.activated_at is not None
    assert db.session.scalar(select(AccountClaim.password_hash)) == ""  # no second copy of the hash lingers

    # the squatter's session is over, and their password no longer opens the account
    assert squatter.get("/portofolio/").status_code == 302
    again = Auth(squatter).login(NIK, SQUATTER["Kata Sandi"]).get_data(as_text=True)
    assert "NIK/email atau kata sandi salah" in again
    assert "Selamat datang" in Auth(holder).login("siti.asli@contoh.id", HOLDER["Kata Sandi"]).get_data(as_text=True)

    started, claimed = audit("account.claim_start"), audit("account.claim")
    assert len(started) == 1 and len(claimed) == 1
    assert started[0].actor_id == claimed[0].actor_id == account.id and claimed[0].subject == f"user:{account.id}"
    assert '"code_to": "•••• •••• 890"' in started[0].detail and "+62" not in started[0].detail
    assert NIK not in claimed[0].detail and code not in claimed[0].detail
    assert '"sessions_ended": true' in claimed[0].detail


def test_the_squatter_cannot_claim_it_back(app, sms, clock):
    create_card(phone=PHONE)
    squat(app, sms)
    holder = app.test_client()
    register(holder, **HOLDER)
    press_claim(holder)
    enter_claim_code(holder, sms.last_code(PHONE))

    squatter = app.test_client()
    register(squatter, **SQUATTER)  # they know the identity too, so they are offered the claim
    clock.shift(timedelta(seconds=61))
    press_claim(squatter)
    to_squatter = [m for m in sms.sent if m.to == SQUATTER_PHONE]
    assert len(to_squatter) == 1  # only the activation of their own account, long ago: the claim code went to the card
    assert sms.sent[-1].to == PHONE
    for _ in range(5):
        enter_claim_code(squatter, "123456" if sms.last_code(PHONE) != "123456" else "654321")
    dead = enter_claim_code(squatter, sms.last_code(PHONE)).get_data(as_text=True)
    assert "Terlalu banyak kode salah" in dead
    assert db.session.scalar(select(User.email)) == "siti.asli@contoh.id"


def test_a_holder_with_a_new_phone_activates_it_after_the_claim(app, sms, clock):
    create_card(phone=PHONE)
    squat(app, sms)
    holder = app.test_client()
    register(holder, **{**HOLDER, "Nomor HP": "0857-1234-5678"})
    press_claim(holder)
    done = enter_claim_code(holder, sms.last_code(PHONE))
    assert done.request.path == "/aktivasi"  # the card's phone proved the holder; their own phone is next
    account = db.session.scalar(select(User))
    assert account.phone == "+6285712345678" and account.activated_at is None
    assert "Akun Anda sudah aktif" in activate(holder, sms.last_code("+6285712345678")).get_data(as_text=True)


def test_without_a_card_there_is_no_claim_and_the_page_says_what_to_do(app, client, sms):
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    page = register(client, **HOLDER)
    html = page.get_data(as_text=True)
    assert page.request.path == "/buat-akun" and "NIK ini sudah memiliki akun" in html
    assert "Hubungi layanan pengaduan Kartu Prakerja" in html and "Klaim NIK ini" not in html
    assert db.session.scalar(select(func.count()).select_from(AccountClaim)) == 0 and sms.sent == []


def test_the_newest_card_s_phone_gets_the_code(app, sms, clock):
    old = create_card(phone="+6281299990001")
    old.status = "revoked"
    db.session.commit()
    create_card(phone=PHONE)
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    holder = app.test_client()
    register(holder, **HOLDER)
    press_claim(holder)
    assert [m.to for m in sms.sent] == [PHONE]


def test_a_pending_code_of_the_squatter_dies_with_the_claim(app, sms, clock):
    create_card(phone=PHONE)
    squat(app, sms)
    account = db.session.scalar(select(User))
    reset = start_challenge(account, OtpPurpose.PASSWORD_RESET, SQUATTER_PHONE, lambda code: code, clock_now())
    db.session.commit()
    holder = app.test_client()
    register(holder, **HOLDER)
    press_claim(holder)
    enter_claim_code(holder, sms.last_code(PHONE))
    db.session.refresh(reset)
    assert reset.consumed_at is not None  # the squatter's reset code cannot take the account back


@pytest.mark.parametrize("field, value, message", [
    ("Email", "lain@contoh.id", "Email ini sudah digunakan"),
    ("Nomor HP", "0813-2222-2222", "Nomor HP ini sudah digunakan akun lain"),
])
def test_an_email_or_phone_of_a_third_account_is_refused(app, client, sms, field, value, message):
    create_card(phone=PHONE)
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    create_user(nik="3171021207000001", email="lain@contoh.id", phone="+6281322222222")
    page = register(client, **{**HOLDER, field: value})
    assert page.request.path == "/buat-akun" and message in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AccountClaim)) == 0 and sms.sent == []


def test_a_claim_ends_after_thirty_minutes(app, client, sms, clock):
    create_card(phone=PHONE)
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    register(client, **HOLDER)
    press_claim(client)
    code = sms.last_code(PHONE)
    typed = form(client, client.get("/buat-akun/klaim"), "Verifikasi").fill("Kode OTP", code)  # the page left open
    clock.shift(timedelta(minutes=31))
    late = typed.submit(follow_redirects=False)  # the right code, with its token, too late
    assert late.status_code == 302 and late.headers["Location"].endswith("/buat-akun")
    assert db.session.scalar(select(User.email)) == "penyerobot@contoh.id"
    page = client.get("/buat-akun/klaim", follow_redirects=True)
    assert page.request.path == "/buat-akun" and "Klaim ini sudah berakhir" in page.get_data(as_text=True)


def test_claim_pages_without_a_claim_or_a_token(app, client, sms):
    assert client.get("/buat-akun/klaim").headers["Location"].endswith("/buat-akun")
    create_card(phone=PHONE)
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    register(client, **HOLDER)
    refused = form(client, client.get("/buat-akun/klaim"), "Klaim NIK ini").submit(drop=("csrf_token",))
    assert refused.status_code == 400 and sms.sent == []


def test_the_claim_is_limited_per_nik_and_per_phone(make_app, sms):
    create_card(phone=PHONE)
    create_user(nik=NIK, email="penyerobot@contoh.id", phone=SQUATTER_PHONE)
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_OTP="100 per minute",
                   RATELIMIT_CLAIM_NIK="3 per hour", RATELIMIT_OTP_PHONE="1 per 10 minutes")
    with app.app_context():
        holder = app.test_client()
        register(holder, **{**HOLDER, "Nomor HP": "0857-1234-5678"})  # Buat Akun counts this phone, not the card's
        assert press_claim(holder).status_code == 200  # 1st per NIK; the card's phone's one code
        resend = form(holder, holder.get("/buat-akun/klaim"), "Kirim ulang kode").submit(follow_redirects=False)
        assert resend.status_code == 429  # the card's phone: the shared per-phone count is spent
        other = app.test_client()  # another address, another claim of the same NIK
        register(other, **HOLDER)
        statuses = [enter_claim_code(holder, "000000").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]  # the NIK's 3 claim steps: the press and two codes
