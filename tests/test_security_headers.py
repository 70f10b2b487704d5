"""Every response carries the security headers; HSTS only in production (HTTPS)."""
import pytest

pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first

PAGES = ["/", "/masuk", "/pelatihan/", "/tidak-ada", "/static/css/portal.css"]


@pytest.mark.parametrize("path", PAGES)
def test_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()  # static files are streamed from disk
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # the test profile is plain HTTP


def test_hsts_in_production(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    assert app.test_client().get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script_or_style(client):
    for path in ["/", "/masuk", "/buat-akun", "/pelatihan/"]:
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html and ' style="' not in html and "<style" not in html


LOGGED_IN_PAGES = ["/", "/pelatihan/", "/portofolio/", "/tidak-ada"]


def test_pages_served_to_a_logged_in_user_are_not_stored(client, auth):
    from tests import factories

    factories.create_participant()
    auth.login()
    for path in LOGGED_IN_PAGES:
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    static = client.get("/static/css/portal.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")  # the stylesheet is no secret


def test_anonymous_pages_may_be_stored(client):
    assert "no-store" not in client.get("/pelatihan/").headers.get("Cache-Control", "")
