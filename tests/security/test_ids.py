"""An id beyond what the database holds is a page that does not exist: 404, never a 500 with an
ERROR line an anonymous visitor could use to fill the operators' alerts (PostgreSQL's INTEGER ends
at 2**31 - 1; SQLite's at 2**63 - 1, where Werkzeug's int would still overflow the driver)."""
from __future__ import annotations

import logging

import pytest
from werkzeug.routing import IntegerConverter

from portal.converters import MAX_ID, id_arg

TOO_BIG = [MAX_ID + 1, 2**63, 10**30]


def _id_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if any(
        isinstance(conv, IntegerConverter) for conv in rule._converters.values())]
    assert len(rules) >= 20
    return rules


def _url(rule, value: int) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(value))
    return path


@pytest.mark.parametrize("value", TOO_BIG)
def test_every_id_route_answers_404_beyond_the_database(app, client, caplog, value):
    caplog.set_level(logging.WARNING)
    for rule in _id_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, value), method=method)
            assert response.status_code == 404, (rule.rule, method, response.status_code)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_largest_id_reaches_the_view(app, auth, client):
    """MAX_ID itself is a valid id: the page looks for it and finds nothing (not a routing 404)."""
    from tests import factories

    factories.create_participant()
    auth.login()
    response = client.get(f"/portofolio/pelatihan/{MAX_ID}")
    assert response.status_code == 404
    ok = client.get(f"/pelatihan/penawaran/{MAX_ID}/ulasan")
    assert ok.status_code == 404


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), ("", None), ("abc", None), ("0", None), ("-3", None), (str(MAX_ID), MAX_ID),
    (str(MAX_ID + 1), None), ("9" * 40, None),
])
def test_query_string_ids(raw, expected):
    from werkzeug.datastructures import MultiDict

    assert id_arg(MultiDict({"kartu": raw}), "kartu") == expected
