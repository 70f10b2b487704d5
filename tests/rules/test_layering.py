"""The layers keep to their side: services flush and never end a transaction; a view module (one
that answers requests) reads, calls one service inside `portal.unit_of_work`, and never commits,
rolls back or writes to the database itself.

Read with `ast`, so a comment or a string that mentions `commit()` is no violation and an aliased
import still is. The checker proves itself on planted sources first.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"

ENDS = {"commit", "rollback"}  # ending a transaction: the unit of work's (or a job runner's) business
SESSION_WRITES = {"add", "add_all", "delete", "execute", "merge", "flush"}
STATEMENTS = {"insert", "update", "delete"}  # SQLAlchemy's DML builders
# Decorators that make a function answer a request: blueprint and app routes, error handlers.
ANSWERS = {"route", "get", "post", "put", "patch", "delete", "errorhandler", "app_errorhandler"}
REGISTERS = {"add_url_rule", "register_error_handler"}


def _dotted(node: ast.AST) -> str:
    """`db.session` for that expression; "" for anything that is not a plain dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def answers_requests(tree: ast.Module) -> bool:
    """Whether the module registers a route or an error handler (on a blueprint or the app)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr in ANSWERS):
                    return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in REGISTERS:
            return True
    return False


def _statement_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names bound to SQLAlchemy's insert/update/delete, and local names of the sqlalchemy module."""
    builders, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            builders |= {alias.asname or alias.name for alias in node.names if alias.name in STATEMENTS}
        elif isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "sqlalchemy"}
    return builders, modules


def transaction_ends(tree: ast.Module) -> list[tuple[int, str]]:
    """Every `<anything>.commit(` and `<anything>.rollback(` call."""
    return [
        (node.lineno, f"{_dotted(node.func) or node.func.attr}()")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ENDS
    ]


def direct_writes(tree: ast.Module) -> list[tuple[int, str]]:
    """Session writes (`db.session.add(...)`, ...) and INSERT/UPDATE/DELETE statements."""
    builders, modules = _statement_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        receiver, _, method = name.rpartition(".")
        if method in SESSION_WRITES and receiver.split(".")[-1] == "session":
            found.append((node.lineno, f"{name}()"))
        elif name in builders or (receiver in modules and method in STATEMENTS):
            found.append((node.lineno, f"{name}() statement"))
    return found


def violations(source: str, path: str) -> list[str]:
    """What breaks the layering in one module's source; `path` is relative to the repository."""
    tree = ast.parse(source, filename=path)
    if path.startswith("portal/services/"):
        found = [(line, f"a service ends the transaction: {what}") for line, what in transaction_ends(tree)]
    elif answers_requests(tree):
        found = [(line, f"a view ends the transaction (use portal.unit_of_work): {what}")
                 for line, what in transaction_ends(tree)]
        found += [(line, f"a view writes to the database (call a service): {what}")
                  for line, what in direct_writes(tree)]
    else:
        found = []
    return [f"{path}:{line}: {message}" for line, message in sorted(found)]


def _modules() -> dict[str, str]:
    root = PORTAL.parent
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in PORTAL.rglob("*.py")}


def test_the_portal_keeps_its_layers():
    found = [problem for path, source in sorted(_modules().items()) for problem in violations(source, path)]
    assert found == []


def test_the_checker_sees_the_view_modules():
    """Were the route detection broken, the rule above would pass on nothing."""
    views = {path for path, source in _modules().items() if answers_requests(ast.parse(source))}
    assert {"portal/auth/views.py", "portal/prakerja/views.py", "portal/admin/waves.py", "portal/admin/jobs.py",
            "portal/provider/offering_views.py", "portal/main/errors.py", "portal/health.py"} <= views
    assert "portal/jobs/__init__.py" not in views and "portal/unit_of_work.py" not in views


VIEW = '''
from flask import redirect
from portal.demo import bp

@bp.post("/x")
def x():
    {body}
    return redirect("/")
'''


@pytest.mark.parametrize("body", [
    "db.session.commit()",
    "db.session.rollback()",
    "db.session.add(thing)",
    "db.session.add_all([thing])",
    "db.session.delete(thing)",
    "db.session.merge(thing)",
    "db.session.flush()",
    "db.session.execute(text('DELETE FROM users'))",
    "from sqlalchemy import update\n    db.session.execute(update(User).values(name='x'))",
    "from sqlalchemy import insert as add_row\n    rows = add_row(User)",
    "import sqlalchemy as sa\n    statement = sa.delete(User)",
])
def test_a_planted_view_violation_is_found(body):
    assert violations(VIEW.format(body=body), "portal/demo/planted.py") != []


def test_a_view_that_only_reads_passes_and_a_mention_is_no_call():
    body = '"""Never db.session.commit() here."""\n    user = db.session.get(User, 1)  # no db.session.add()'
    assert violations(VIEW.format(body=body), "portal/demo/planted.py") == []


def test_other_registrations_make_a_view_module_too():
    source = "def register(app):\n    @app.errorhandler(500)\n    def oops(e):\n        db.session.rollback()\n"
    assert violations(source, "portal/main/planted.py") != []
    assert violations("bp.add_url_rule('/x', view_func=x)\ndb.session.commit()\n", "portal/demo/planted.py") != []


def test_a_planted_service_violation_is_found_and_a_job_may_commit():
    service = "def grant(card):\n    card.balance += 1\n    db.session.commit()\n"
    assert violations(service, "portal/services/planted.py") == ["portal/services/planted.py:3: a service ends "
                                                                 "the transaction: db.session.commit()"]
    assert violations("def f():\n    db.session.flush()\n", "portal/services/planted.py") == []
    assert violations(service, "portal/jobs/planted.py") == []  # jobs own their transactions (portal.jobs.run_job)
