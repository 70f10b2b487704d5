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
