"""Every translatable string is where pybabel can find it: a `_()` call inside an f-string is
invisible to the extractor (Python 3.11 tokenizes an f-string as one string), so its words would
silently drop out of the catalogue at the next `make extract-messages` and show in English."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}


def hidden_calls(source: str) -> list[int]:
    """Lines where a gettext call sits inside an f-string."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in GETTEXT:
                    lines.append(inner.lineno)
    return lines


def test_no_gettext_call_inside_an_f_string():
    found = {str(path.relative_to(ROOT)): hidden_calls(path.read_text(encoding="utf-8"))
             for path in (ROOT / "portal").rglob("*.py")}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_check_catches_a_planted_one():
    assert hidden_calls("x = f\"{_('Score %(n)s', n=1)} · y\"") == [1]
    assert hidden_calls("x = _('Score %(n)s', n=1)\ny = f'{x} · y'") == []
