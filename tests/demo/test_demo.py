"""HP Simulasi and the demo world."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Card, Category, Offering, Programme, Provider
from tests.auth.test_register import register
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first


def test_hp_simulasi_shows_the_activation_code_newest_first(make_app, clock):
    app = make_app(SMS_BACKEND="outbox")
    client = app.test_client()
    with app.app_context():
        page = register(client)
        assert 'href="/demo/hp"' in page.get_data(as_text=True)
        phone = client.get("/demo/hp").get_data(as_text=True)
        assert "+62 812-****-7890" in phone and "kode aktivasi akun Anda" in phone
        assert "Rabu, 10 Maret 2021 10.00 WIB" in phone


def test_hp_simulasi_shows_only_this_sessions_phone(make_app, clock):
    app = make_app(SMS_BACKEND="outbox")
    with app.app_context():
        register(app.test_client())
        stranger = app.test_client().get("/demo/hp").get_data(as_text=True)
        assert "kode aktivasi" not in stranger and "Buat akun atau masuk terlebih dahulu" in stranger


def test_hp_simulasi_for_a_logged_in_user(client, auth):
    create_user()
    auth.login()
    assert "Belum ada pesan" in client.get("/demo/hp").get_data(as_text=True)


def counts():
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (Category, Programme, Provider, Offering)]


def test_demo_seed_builds_the_world_once(runner, clock):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "100 offerings created" in first.output
    categories, programmes, providers, offerings = counts()
    assert categories >= 8 and programmes == 40 and providers == 12 and offerings == 100
    prices = db.session.scalars(select(Offering.price)).all()
    assert min(prices) >= 100_000 and max(prices) <= 1_000_000
    assert 0 < db.session.scalar(select(func.count()).where(Provider.prakerja_label)) < 12
    assert len(set(db.session.scalars(select(Provider.province_code)))) >= 3

    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0 and "0 offerings created" in second.output and "0 people created" in second.output
    assert counts() == [categories, programmes, providers, offerings]


def test_demo_people_are_at_their_moments(runner, clock):
    from portal import clock as portal_clock
    from portal.models import Card, Enrollment, TrainingSession, User, Wave
    from portal.services.cards import days_left
    from portal.services.ledger import check_ledger

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert sorted(db.session.scalars(select(Wave.number))) == [12, 13, 14, 15, 16, 17]
    now = portal_clock.now()
    cards = {c.holder_name: c for c in db.session.scalars(select(Card))}
    assert days_left(cards["Siti Rahmawati"], now) == 29 and cards["Siti Rahmawati"].first_purchase_at is None
    assert days_left(cards["Agus Setiawan"], now) == 1
    assert cards["Dewi Lestari"].first_purchase_at is not None
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    joko = db.session.scalar(select(Card).where(Card.holder_name == "Joko Susilo"))
    assert joko.status == "revoked" and joko.revoked_at is not None and joko.balance == 0
    dewi = db.session.scalar(select(Enrollment))
    assert dewi.status == "awaiting_confirmation" and dewi.offering.provider.name == "LPK Cipta Karya Mandiri"
    assert db.session.scalar(select(Provider.label_requested_at).where(Provider.name == "BLK Makassar"))
    staff = db.session.scalar(select(User).where(User.role == "provider_staff"))
    assert db.session.get(Provider, staff.provider_id).name == "LPK Cipta Karya Mandiri"
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"job_seeker", "provider_staff", "admin"}
    assert db.session.scalar(select(func.count(TrainingSession.id))) >= 4 * 40
    assert check_ledger().balanced


def test_login_page_lists_the_demo_accounts_in_demo_mode(client, runner, clock):
    runner.invoke(args=["demo", "seed"])
    html = client.get("/masuk").get_data(as_text=True)
    number = db.session.scalar(select(Card.number).where(Card.holder_name == "Siti Rahmawati"))
    assert "coba simulasi saja" in html and "siti@demo.prakerja.id" in html and number in html


def test_login_page_hides_demo_accounts_outside_demo_mode(make_app):
    app = make_app(DEMO_MODE=False)
    assert "coba simulasi saja" not in app.test_client().get("/masuk").get_data(as_text=True)


def test_demo_seed_refuses_outside_demo_mode(make_app):
    app = make_app(DEMO_MODE=False)
    with app.app_context():  # the command must see this app, not the suite's
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "only in demo mode" in result.output


def test_the_demo_seed_records_every_demo_person_and_the_presenter_s_newcomer(runner, client, sms, clock):
    from portal.models import PopulationRecord, User
    from portal.services.population import SimulatedRegistry

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    registry = SimulatedRegistry()
    for nik, name in db.session.execute(select(User.nik, User.full_name)).all():  # every demo account's person
        assert db.session.scalar(select(PopulationRecord.full_name).where(PopulationRecord.nik == nik)) == name
    assert registry.matches("3273014508950011", "Rina Marlina", "Sri Wahyuni")  # the README's presenter script
    assert db.session.scalar(select(User.id).where(User.nik == "3273014508950011")) is None
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0  # idempotent: no second record, no error
    assert db.session.scalar(select(func.count()).select_from(PopulationRecord)) == 7

    page = register(client, NIK="3273014508950011", **{"Nama Lengkap": "Rina Marlina", "Email": "rina@contoh.id"})
    assert page.request.path == "/aktivasi"
