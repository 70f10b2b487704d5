"""The command line: issue a card, open a wave, check the ledger."""
from datetime import datetime

from sqlalchemy import select

from portal.clock import WIB
from portal.extensions import db
from portal.models import Card, LedgerEntry, Wave
from portal.services.cards import is_valid_card_number
from portal.services.sms import send_sms
from tests.factories import NIK, create_card, create_wave


def test_issue_card_prints_the_new_number(runner):
    create_wave(number=17)
    result = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Siti Rahmawati",
                                 "--phone", "0812 3456 7890", "--wave", "17", "--accepted-at", "2021-03-09T10:00"])
    assert result.exit_code == 0, result.output
    number = result.output.strip()
    card = db.session.scalar(select(Card))
    assert is_valid_card_number(number) and card.number == number
    assert card.deadline_at.isoformat() == "2021-04-08T16:59:59+00:00"  # 8 April 23:59:59 WIB


def test_issue_card_explains_refusals(runner):
    result = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Siti", "--phone", "0812 3456 7890",
                                 "--wave", "99"])
    assert result.exit_code != 0 and "gelombang 99" in result.output.lower()
    assert db.session.scalar(select(Card)) is None


def test_open_wave(runner):
    result = runner.invoke(args=["prakerja", "open-wave", "--number", "18", "--quota", "500"])
    assert result.exit_code == 0 and db.session.scalar(select(Wave.quota).where(Wave.number == 18)) == 500
    again = runner.invoke(args=["prakerja", "open-wave", "--number", "18", "--quota", "500"])
    assert again.exit_code != 0 and "sudah ada" in again.output


def test_ledger_check_passes_on_a_balanced_ledger(runner, app):
    create_card()
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert "Ledger balanced." in result.output and "granted Rp1.000.000 = on cards Rp1.000.000" in result.output


def test_ledger_check_names_what_is_off(runner, app):
    card = create_card()
    card.balance += 5_000  # money from nowhere
    db.session.add(LedgerEntry(kind="purchase", card_id=card.id, amount=1, created_at=card.created_at))
    db.session.commit()
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 1
    assert f"card id {card.id}" in result.output and "off by -5001" in result.output


def test_sweep_command_revokes_what_has_expired_at_the_given_time(runner, app):
    from portal.models import JobRun

    create_card(accepted_at=datetime(2021, 3, 9, 10, 0, tzinfo=WIB))
    early = runner.invoke(args=["prakerja", "sweep", "--now", "2021-04-08T23:59:59"])
    assert early.exit_code == 0 and "kartu dicabut: 0" in early.output
    result = runner.invoke(args=["prakerja", "sweep", "--now", "2021-04-09T00:00:00"])
    assert result.exit_code == 0, result.output
    assert "kartu dicabut: 1" in result.output and "dikembalikan ke dana (Rp): 1000000" in result.output
    assert db.session.scalar(select(Card.status)) == "revoked"
    assert [r.trigger for r in db.session.scalars(select(JobRun))] == ["cli", "cli"]


def test_sms_relay_once_delivers_what_is_queued(runner, sms):
    send_sms("+6281234567890", "SIMULASI: kode 123456")
    db.session.commit()
    result = runner.invoke(args=["sms", "relay", "--once"])
    assert result.exit_code == 0 and result.output.strip() == "sent=1"
    assert [m.to for m in sms.sent] == ["+6281234567890"]
    assert runner.invoke(args=["sms", "relay", "--once"]).output.strip() == "nothing to send"
