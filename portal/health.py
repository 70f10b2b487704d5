"""GET /healthz for load balancers and uptime checks: can this worker reach the database?

200 `{"status": "ok", "database": "ok"}`, or 503 with `"database": "unavailable"` so the load
balancer stops sending traffic here. Why it failed goes to the log, never into the body: anyone
may call this URL. It reads no session, so it sets no cookie.
"""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.access import public
from portal.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    # The driver's first line ("connection refused", "password authentication failed"), not the SQL.
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"


@bp.get("/healthz")
@public
def healthz():
    """`SELECT 1` on a pooled connection (pool_pre_ping replaces a dead one first)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # whatever it is, this worker cannot serve pages
        log.error("health check failed: database unavailable (%s)", _reason(error))
        response = jsonify(status="unavailable", database="unavailable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
