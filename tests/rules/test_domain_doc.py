"""docs/domain.md and docs/architecture.md name the function that enforces each rule and the test that
proves it; this keeps those names true when code moves or a test is renamed."""
import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ("docs/domain.md", "docs/architecture.md")
FUNCTION = re.compile(r"`((?:portal|tests)/[\w/]+\.py): (\w+)`")  # `portal/services/cards.py: issue_card`
TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")  # `tests/services/test_cards.py::test_deadline_edge`


@cache
def defined_names(path: str) -> frozenset[str]:
    """Every function and class defined in the module at `path`, at any depth."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return frozenset(node.name for node in ast.walk(tree) if isinstance(node, kinds))


def references(pattern: re.Pattern) -> list[tuple[str, str, str]]:
    return [(doc, *match.groups()) for doc in DOCS
            for match in pattern.finditer((ROOT / doc).read_text(encoding="utf-8"))]


def missing(refs: list[tuple[str, str, str]]) -> list[str]:
    return [f"{doc}: {path} {name}" for doc, path, name in refs
            if not (ROOT / path).is_file() or name not in defined_names(path)]


def test_every_named_function_exists():
    refs = references(FUNCTION)
    assert len(refs) > 40
    assert missing(refs) == []


def test_every_named_test_exists():
    refs = references(TEST)
    assert len(refs) > 60
    assert missing(refs) == []


@pytest.mark.parametrize("reference", ["`portal/services/cards.py: no_such_rule`",
                                       "`tests/services/test_cards.py::test_no_such_proof`",
                                       "`portal/services/no_such_module.py: issue_card`"])
def test_a_stale_name_is_caught(reference):
    pattern = TEST if "::" in reference else FUNCTION
    match = pattern.search(reference)
    assert missing([("planted.md", *match.groups())]) == [f"planted.md: {match[1]} {match[2]}"]


def test_no_document_cites_a_file_outside_the_repository():
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("portal/**/*.py"),
                 *ROOT.glob("portal/**/*.md"), *ROOT.glob("bench/*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(r"\bDOMAIN\.md|\bDESIGN\.md|LOAD_NOTE[S]", text), path
