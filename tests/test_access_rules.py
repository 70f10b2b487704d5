"""Every route declares who may use it; everything not public refuses anonymous visitors."""
import pytest

PUBLIC_ENDPOINTS = {
    "main.index", "main.set_locale", "training.catalogue", "training.programme", "demo.phone", "demo.restart_guide",
    "auth.register", "auth.activate", "auth.resend_activation", "auth.login", "auth.logout",
    "auth.claim", "auth.send_claim_code", "auth.verify_claim", "auth.resend_claim_code",  # Klaim NIK ini
    "auth.forgot", "auth.reset", "auth.resend_reset", "auth.code_login_start", "auth.code_login_verify",
    "certificates.check", "certificates.verify", "training.reviews",
    "health.healthz", "main.numbers",
}


def _routes(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_declares_an_access_rule(app):
    undeclared = sorted(r.endpoint for r in _routes(app) if not hasattr(app.view_functions[r.endpoint], "access_rule"))
    assert undeclared == [], "add @public or a role decorator from portal.access to: " + ", ".join(undeclared)


def test_only_the_expected_pages_are_public(app):
    public = {r.endpoint for r in _routes(app) if app.view_functions[r.endpoint].access_rule == "public"}
    assert public == PUBLIC_ENDPOINTS


def _url(rule) -> str:
    values = {arg: ("sweep" if arg == "name" else "x" if arg in ("slug", "code") else 1) for arg in rule.arguments}
    return rule.build(values)[1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_are_sent_to_login_everywhere_else(make_app, method):
    # Without CSRF checks, so that a POST reaches the access rule instead of stopping at the token.
    app = make_app(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    for rule in _routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or method not in rule.methods:
            continue
        response = client.open(_url(rule), method=method)
        assert response.status_code == 302, (rule.endpoint, response.status_code)
        assert response.headers["Location"].startswith("/masuk"), rule.endpoint
