"""The migrations are the only way the schema is made: they must match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_money_and_seat_rules_are_enforced_by_the_database(app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from tests.factories import create_offering

    offering = create_offering(seats=2)
    offering.seats_taken = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_failed_request_logs_no_value_from_the_database(make_app, caplog):
    from tests.factories import NIK, create_user

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_duplicate")
    def duplicate():
        create_user(email="lain@contoh.id", phone="+6281299990000")  # the same NIK again
        return ""

    with app.app_context():
        create_user()
        caplog.set_level("ERROR")
        assert app.test_client().get("/_duplicate").status_code == 500
    assert "Exception on /_duplicate" in caplog.text and "IntegrityError" in caplog.text
    assert NIK not in caplog.text and "INSERT" not in caplog.text
