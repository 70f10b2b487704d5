"""Every response carries the security headers; HSTS only in production (HTTPS)."""
import pytest

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
