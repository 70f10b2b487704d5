"""The sweep tells each holder, by SMS, that their card was revoked and why: in the batch, once."""
import threading
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import event, func, select

from portal.clock import WIB
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import SmsMessage
from portal.services.revocation import revocation_sms
from tests.revocation.test_sweep import NEXT_DAY, cards

GSM_7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
            "¿abcdefghijklmnopqrstuvwxyzäöñüà")


def outbox():
    return db.session.execute(select(SmsMessage.to_phone, SmsMessage.body, SmsMessage.created_at)
                              .order_by(SmsMessage.id)).all()


def test_each_revoked_holder_gets_one_sms_in_indonesian(app):
    made = cards(3)
    made[1].first_purchase_at = NEXT_DAY.replace(day=1)  # bought in time: no SMS
    db.session.commit()
    assert revoke_expired_cards(NEXT_DAY)["revoked"] == 2
    sent = outbox()
    assert [phone for phone, _, _ in sent] == [made[0].phone, made[2].phone]
    phone, body, at = sent[0]
    assert body == (
        f"SIMULASI Prakerja: Kartu Prakerja Anda berakhiran {made[0].number[-4:]} dicabut karena tidak membeli "
        "pelatihan pertama dalam 30 hari (batas Kamis, 8 April 2021 23.59 WIB). Sesuai Permenko 11/2020 Pasal 20, "
        "saldo pelatihan kembali ke dana Prakerja dan NIK Anda masuk daftar hitam: tidak dapat ikut lagi."
    )
    assert at == NEXT_DAY
    assert revoke_expired_cards(datetime(2021, 4, 10, tzinfo=WIB))["revoked"] == 0 and len(outbox()) == 2


def test_the_sms_fits_two_parts_in_both_languages(app):
    for locale in ("id", "en"):
        with force_locale(locale):
            body = revocation_sms() % {"tail": "1234", "deadline": "Wednesday, 30 September 2021 23.59 WIB"}
        assert set(body) <= GSM_7 and len(body) <= 2 * 153, locale


def test_the_sms_rows_are_written_in_one_statement_per_batch(app):
    cards(7)
    inserts = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SMS_MESSAGES"):
            inserts.append(executemany or statement.count("(?") > 1 or statement.count("(%") > 1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert revoke_expired_cards(NEXT_DAY, batch_size=3)["revoked"] == 7
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(inserts) == 3  # batches of 3, 3 and 1
    assert db.session.scalar(select(func.count(SmsMessage.id))) == 7


def test_two_sweeps_at_once_send_each_sms_once(app):
    cards(20)
    errors = []

    def sweep():
        with app.app_context():
            try:
                revoke_expired_cards(NEXT_DAY, batch_size=4)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    phones = [phone for phone, _, _ in outbox()]
    assert len(phones) == 20 and len(set(phones)) == 20


def test_the_revocation_sms_reaches_the_phone_through_the_relay(app):
    """Written in bulk, the rows are as send_sms writes them: due for the relay, which delivers them."""
    from tests.support.codes import deliver

    made = cards(2)
    assert revoke_expired_cards(NEXT_DAY)["revoked"] == 2
    delivered = [m for m in deliver(app) if "dicabut" in m.text]
    assert sorted(m.to for m in delivered) == sorted(card.phone for card in made)
    assert db.session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.status != "sent")) == 0


def test_on_the_demo_phone_the_revocation_sms_is_delivered_when_written(app, monkeypatch):
    """With the `outbox` backend the table is HP Simulasi: the rows are sent as they are written."""
    monkeypatch.setitem(app.config, "SMS_BACKEND", "outbox")
    cards(2)
    assert revoke_expired_cards(NEXT_DAY)["revoked"] == 2
    rows = db.session.execute(select(SmsMessage.status, SmsMessage.sent_at)).all()
    assert [status for status, _ in rows] == ["sent", "sent"] and all(sent for _, sent in rows)
