"""The command line: issue a card, open a wave, check the ledger."""
from datetime import datetime

from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.models import Card, LedgerEntry, PopulationRecord, Wave
from portal.services.cards import is_valid_card_number
from portal.services.sms import send_sms
from tests.factories import NIK, create_card, create_wave


def test_issue_card_prints_the_new_number(runner):
    create_wave(number=17)
    result = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Siti Rahmawati",
                                 "--phone", "0812 3456 7890", "--wave", "17", "--accepted-at", "2021-03-09T10:00",
                                 "--mother", "Sri Wahyuni"])
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


def test_issue_card_to_a_person_the_registry_does_not_know_needs_the_mother(runner):
    create_wave(number=17)
    card = ["prakerja", "issue-card", "--nik", NIK, "--name", "Siti Rahmawati", "--phone", "0812 3456 7890",
            "--wave", "17"]
    refused = runner.invoke(args=card)
    assert refused.exit_code != 0 and "isi nama ibu kandung" in refused.output
    assert db.session.scalar(select(Card)) is None and db.session.scalar(select(PopulationRecord)) is None

    assert runner.invoke(args=card + ["--mother", "Sri Wahyuni"]).exit_code == 0
    record = db.session.scalar(select(PopulationRecord))
    assert (record.nik, record.full_name, record.mother_maiden_name) == (NIK, "Siti Rahmawati", "Sri Wahyuni")


def test_issue_card_to_a_known_person_needs_their_registered_name(runner):
    create_wave(number=17)
    assert runner.invoke(args=["population", "add", "--nik", NIK, "--name", "SITI RAHMAWATI",
                               "--mother", "Sri Wahyuni"]).exit_code == 0
    other = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Budi", "--phone", "081234567890",
                                "--wave", "17"])
    assert other.exit_code != 0 and "tidak sesuai dengan nama NIK ini" in other.output
    same = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Siti  Rahmawati",
                               "--phone", "081234567890", "--wave", "17"])
    assert same.exit_code == 0, same.output


def test_population_add(runner):
    done = runner.invoke(args=["population", "add", "--nik", NIK, "--name", "Siti Rahmawati", "--mother", "Sri W"])
    assert done.exit_code == 0 and "327301••••••0003 Siti Rahmawati" in done.output
    again = runner.invoke(args=["population", "add", "--nik", NIK, "--name", "Siti Rahmawati", "--mother", "Ani"])
    assert again.exit_code != 0 and "nama ibu kandung ini tidak sesuai" in again.output.lower()
    bad = runner.invoke(args=["population", "add", "--nik", "123", "--name", "Siti", "--mother", "Ani"])
    assert bad.exit_code != 0 and "16 angka" in bad.output
    assert db.session.scalar(select(func.count()).select_from(PopulationRecord)) == 1


def test_open_wave(runner):
    result = runner.invoke(args=["prakerja", "open-wave", "--number", "18", "--quota", "500"])
    assert result.exit_code == 0 and db.session.scalar(select(Wave.quota).where(Wave.number == 18)) == 500
    again = runner.invoke(args=["prakerja", "open-wave", "--number", "18", "--quota", "500"])
    assert again.exit_code != 0 and "sudah ada" in again.output


def test_open_wave_with_its_acceptance_day_prints_its_deadline(runner):
    result = runner.invoke(args=["prakerja", "open-wave", "--number", "13", "--quota", "500", "--accepted-on",
                                 "2021-03-09"])
    assert result.exit_code == 0, result.output
    assert "deadline Kamis, 8 April 2021 23.59 WIB" in result.output
    assert db.session.scalar(select(Wave.accepted_on).where(Wave.number == 13)).isoformat() == "2021-03-09"
    bad = runner.invoke(args=["prakerja", "open-wave", "--number", "14", "--quota", "5", "--accepted-on", "9/3/21"])
    assert bad.exit_code != 0 and db.session.scalar(select(Wave.id).where(Wave.number == 14)) is None


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
