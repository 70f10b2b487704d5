"""An id beyond what the database holds is a page that does not exist: 404, never a 500 with an
ERROR line an anonymous visitor could use to fill the operators' alerts (PostgreSQL's INTEGER ends
at 2**31 - 1; SQLite's at 2**63 - 1, where Werkzeug's int would still overflow the driver)."""
from __future__ import annotations

import logging

import pytest
from werkzeug.routing import IntegerConverter

from portal.converters import MAX_ID, MAX_PAGE, id_arg, page_arg

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

    urls = app.url_map.bind("localhost")
    assert urls.match(f"/portofolio/pelatihan/{MAX_ID}") == ("portfolio.training", {"enrollment_id": MAX_ID})
    assert urls.match(f"/pelatihan/penawaran/{MAX_ID}/ulasan") == ("training.reviews", {"offering_id": MAX_ID})
    factories.create_participant()
    auth.login()
    assert client.get(f"/portofolio/pelatihan/{MAX_ID}").status_code == 404  # the view found nothing
    assert client.get(f"/pelatihan/penawaran/{MAX_ID}/ulasan").status_code == 404


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), ("", None), ("abc", None), ("0", None), ("-3", None), (str(MAX_ID), MAX_ID),
    (str(MAX_ID + 1), None), ("9" * 40, None),
])
def test_query_string_ids(raw, expected):
    from werkzeug.datastructures import MultiDict

    assert id_arg(MultiDict({"kartu": raw}), "kartu") == expected


# --- ids and page numbers in query strings ---------------------------------------------------------

QUERY_IDS = [str(MAX_ID + 1), str(2**63), str(10**30), "-1", "0", "abc", "1e3"]


def _login_admin(auth):
    from tests.factories import create_user

    create_user(nik="3171011203850004", email="pmo@contoh.id", role="admin", full_name="Admin PMO")
    auth.login("3171011203850004")


@pytest.mark.parametrize("value", QUERY_IDS)
def test_a_query_string_id_beyond_the_database_names_nothing(app, auth, client, caplog, value):
    """?kartu= and ?kategori= beyond what the database holds: no card shown, every programme listed,
    and no database error."""
    from tests.factories import create_programme

    programme = create_programme(title="Pemasaran Digital")
    _login_admin(auth)
    caplog.set_level(logging.WARNING)
    cards = client.get("/admin/kartu", query_string={"kartu": value})
    assert cards.status_code == 200 and 'id="new-card"' not in cards.text
    listed = client.get("/admin/program", query_string={"kategori": value})
    assert listed.status_code == 200 and f'id="programme-{programme.id}"' in listed.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/admin/daftar-hitam", "/admin/buku-besar", "/admin/audit"])
@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), str(10**30), "-1", "0", "abc"])
def test_a_huge_or_bad_page_of_the_pmo_lists_lands_on_a_page(app, auth, client, caplog, path, value):
    _login_admin(auth)
    caplog.set_level(logging.WARNING)
    response = client.get(path, query_string={"halaman": value})
    assert response.status_code == 200, (path, value)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), str(10**30), "-1", "0", "abc", "١"])
def test_a_huge_or_bad_page_of_reviews_is_404(app, client, caplog, value):
    from tests.factories import create_offering

    offering = create_offering()
    caplog.set_level(logging.WARNING)
    assert client.get(f"/pelatihan/penawaran/{offering.id}/ulasan").status_code == 200
    response = client.get(f"/pelatihan/penawaran/{offering.id}/ulasan", query_string={"halaman": value})
    assert response.status_code == 404, value
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(("raw", "expected"), [
    (None, 1), ("1", 1), ("12", 12), (" 3 ", None), ("", None), ("abc", None), ("0", None), ("-3", None),
    ("١٢", None), (str(MAX_PAGE), MAX_PAGE), (str(MAX_PAGE + 1), MAX_PAGE), ("9" * 40, MAX_PAGE),
])
def test_query_string_page_numbers(raw, expected):
    from werkzeug.datastructures import MultiDict

    assert page_arg(MultiDict({} if raw is None else {"halaman": raw})) == expected
