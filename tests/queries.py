"""Counting SQL statements per request (queries per page: counted, never timed)."""
from sqlalchemy import event

from portal.extensions import db


def statements_for(client, url: str) -> int:
    """How many SQL statements one request for `url` runs, from a cold session."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)
