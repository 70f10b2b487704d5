"""Unbound extension instances; `create_app` binds them to the application."""
from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so Alembic can alter them on PostgreSQL and SQLite alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite leaves foreign keys unchecked unless asked; PostgreSQL always checks them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy, not the sqlite3 module, start transactions (see _sqlite_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Writers queue for the one write lock (see _sqlite_begin); well inside gunicorn's 30 s timeout.
        cursor.execute("PRAGMA busy_timeout = 20000")
        # Readers and the one writer stop blocking each other (the demo server is threaded and
        # runs the scheduler beside it). Kept in the file; a no-op for in-memory databases.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    # The sqlite3 module starts a transaction only at the first write, so a SAVEPOINT could become
    # the outermost transaction and its RELEASE would commit. Begin explicitly, as SQLAlchemy's
    # pysqlite documentation advises, so savepoints nest and rollbacks undo everything.
    #
    # What may write takes the write lock at BEGIN (IMMEDIATE). A deferred transaction that read first
    # cannot become a writer once another connection has committed since its read: SQLite answers
    # "database is locked" at once, busy_timeout or not, and with two threads buying at the same time
    # nearly every purchase failed that way (bench/load.py). Read-only requests need no lock.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    """Everything but a GET, HEAD or OPTIONS request: form posts, jobs, commands, tests' own sessions."""
    return not (has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"))
