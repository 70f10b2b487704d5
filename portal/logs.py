"""JSON-line logs on stderr, and a request id on every request.

Each line is one JSON object: `time` (UTC, ISO 8601), `level`, `logger`, `message`, `request_id`
inside a request, and every field a call passed in `extra=` (`sms_backend`, `attempt`, ...), so a
log shipper reads fields instead of parsing text. Every request gets an id (the caller's
`X-Request-ID` when it is well formed, e.g. from the load balancer, or a new one), echoed in the
response and logged once with method, path, status and duration: never the query string, the form,
headers or cookies, where codes, NIKs and sessions travel.

LOG_JSON (on in production and demo, off in the test profile so pytest's own log capture stays
the only output) decides the JSON handler; the request id and the request line are always there.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from flask.wrappers import Response
from sqlalchemy.exc import StatementError

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
_TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # the dev server colours its banner

request_log = logging.getLogger("portal.request")

# What every LogRecord carries; any other attribute came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


MAX_ERROR_LENGTH = 1000


def describe_error(error: BaseException) -> str:
    """`Type: message`, for the admin and the log: no traceback, no locals, and for a database
    error only the driver's first line, never the SQL or its parameters (they may hold a NIK)."""
    message = str(error)
    if isinstance(error, StatementError) and error.orig is not None:
        lines = str(error.orig).strip().splitlines()
        message = lines[0] if lines else type(error.orig).__name__
    return f"{type(error).__name__}: {message}"[:MAX_ERROR_LENGTH]


def where_raised(error: BaseException) -> str:
    """Where the error was raised (file, line, function): enough to find it, nothing from the data."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {Path(last.filename).name}:{last.lineno} in {last.name}"


def log_request_exception(app: Flask, exc_info) -> None:
    """Flask's own exception log would print the exception's text: for a database error that is
    the SQL, and PostgreSQL's DETAIL repeats the values (a NIK, a card number). Log the type, the
    driver's first line and where it was raised; the stack's frames, which hold no values, go in
    an extra field."""
    error, trace = exc_info[1], exc_info[2]
    app.logger.error(
        "Exception on %s [%s]: %s%s", request.path, request.method, describe_error(error), where_raised(error),
        extra={"traceback": "".join(traceback.format_tb(trace))},
    )


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line; newlines in messages and tracebacks are escaped, so one record stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": _TERMINAL_COLOURS.sub("", record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry.setdefault(key, value)  # an extra never replaces time, level, logger or message
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class JsonLinesHandler(logging.StreamHandler):
    """JSON lines on whatever `sys.stderr` is when a record is written (pytest swaps it per test)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler assigns it; the property always answers sys.stderr
        pass


class _LimiterFallbackIsAnError(logging.Filter):
    """Flask-Limiter says "storage unreachable" as a warning; losing the shared counters deserves an alert."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "storage unreachable" in str(record.msg):
            record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


class _NoDevServerRequestLines(logging.Filter):
    """`flask run` logs each request with its query string; the portal's own request line replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).endswith('"%s" %s %s')  # werkzeug.serving's log_request format


def _add_filter_once(logger: logging.Logger, kind: type[logging.Filter]) -> None:
    if not any(isinstance(existing, kind) for existing in logger.filters):
        logger.addFilter(kind())


def install_json_logging(level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON lines; safe to call more than once."""
    root = logging.getLogger()
    if not any(isinstance(handler, JsonLinesHandler) for handler in root.handlers):
        root.addHandler(JsonLinesHandler())
    root.setLevel(level)
    _add_filter_once(logging.getLogger("flask-limiter"), _LimiterFallbackIsAnError)
    _add_filter_once(logging.getLogger("werkzeug"), _NoDevServerRequestLines)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # 7 lines at every worker's start


def _start_request() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _WELL_FORMED_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    if "request_id" not in g:  # a before_request hook registered ahead of ours answered first
        g.request_id = uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = g.request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    # request.path: never request.full_path or request.url, whose query string may hold a NIK or a code.
    request_log.info(
        "%s %s %s", request.method, request.path, response.status_code,
        extra={"method": request.method, "path": request.path, "status": response.status_code,
               "duration_ms": duration_ms, "request_id": g.request_id},
    )
    return response


def register_logging(app: Flask) -> None:
    """create_app step (first, so its hooks run before any other): JSON logs when LOG_JSON is on, and
    the request id and one log line for every request."""
    if app.config.get("LOG_JSON"):
        install_json_logging(app.config.get("LOG_LEVEL", "INFO"))
        app.logger.removeHandler(default_handler)  # Flask's plain-text handler would print records twice
    app.before_request(_start_request)
    app.after_request(_finish_request)
