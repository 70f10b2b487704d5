"""Every audit event names an `AuditAction`, so the PMO's log has words for it in both languages."""
from __future__ import annotations

import ast
from pathlib import Path

from portal import labels
from portal.models import AuditAction

ROOT = Path(__file__).resolve().parent.parent.parent


def recorded_actions(source: str) -> list[str]:
    """The string literals passed as the action of `record(actor, action, ...)` calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record" \
                and len(node.args) >= 2:
            for value in ast.walk(node.args[1]):  # a literal, or both arms of a conditional
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append(value.value)
    return found


def test_every_recorded_action_is_an_audit_action():
    actions = [a for path in (ROOT / "portal").rglob("*.py") for a in recorded_actions(path.read_text())]
    assert len(actions) >= 15
    assert sorted(set(actions) - set(AuditAction)) == []


def test_every_audit_action_has_words():
    assert set(labels.AUDIT_ACTION) == set(AuditAction)


def test_the_check_catches_a_planted_action():
    assert recorded_actions('record(actor, "made.up", "x:1", now)') == ["made.up"]
    assert recorded_actions('record(actor, "a.b" if x else "c.d", "x:1", now)') == ["a.b", "c.d"]
