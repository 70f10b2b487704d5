"""Every route refuses every wrong role: 403 for another role's area, 404 for another person's thing.

The anonymous half is tests/test_access_rules.py. Here each role logs in (a job seeker who is a
training participant, a lembaga's staff member, the PMO admin) and every route is tried with GET
and POST, on an app without CSRF checks so that a POST reaches the access rule. URL arguments name
objects that belong to someone else (tests/security/hostile/world.py).

Every non-public endpoint must be in OWNED or IN_AREA below: a new route fails the test until
someone decides which it is.
"""
from __future__ import annotations

import re

import pytest

from tests.security.hostile.world import build_world, login

CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROLES = {"seeker": "job_seeker", "staff": "provider_staff", "admin": "admin"}

# Routes whose URL names one person's (or one lembaga's) thing: the right role still gets 404 when
# it is someone else's. Value: (who owns it in the world, URL arguments naming it).
OWNED = {
    "portfolio.training": ("other", lambda w: {"enrollment_id": w.other_enrollment}),
    "portfolio.start": ("other", lambda w: {"enrollment_id": w.other_enrollment}),
    "portfolio.review": ("other", lambda w: {"enrollment_id": w.other_enrollment}),
    "portfolio.complete_session": ("other", lambda w: {"enrollment_id": w.other_enrollment,
                                                       "session_id": w.other_session}),
    "prakerja.paid": ("other", lambda w: {"enrollment_id": w.other_enrollment}),
    "prakerja.verify": ("other", lambda w: {"challenge_id": w.other_challenge}),
    "prakerja.resend": ("other", lambda w: {"challenge_id": w.other_challenge}),
    "certificates.printable": ("other", lambda w: {"certificate_id": w.other_certificate}),
    "certificates.pdf": ("other", lambda w: {"certificate_id": w.other_certificate}),
    "provider.edit_offering": ("other_staff", lambda w: {"offering_id": w.other_offering}),
    "provider.publish": ("other_staff", lambda w: {"offering_id": w.other_offering}),
    "provider.unpublish": ("other_staff", lambda w: {"offering_id": w.other_offering}),
    "provider.registrants": ("other_staff", lambda w: {"offering_id": w.other_offering}),
    "provider.session_plan": ("other_staff", lambda w: {"offering_id": w.other_offering}),
    "provider.confirm": ("other_staff", lambda w: {"enrollment_id": w.other_enrollment}),
}

# Routes that are the role's own area, with nobody else's thing in the URL (the PMO acts on every
# lembaga and programme; a participant may buy any offering in the catalogue). The allowed role
# must get neither 403 nor a 5xx. Value: URL arguments.
IN_AREA = {
    "portfolio.index": lambda w: {},
    "training.register_participant": lambda w: {},
    "prakerja.register": lambda w: {"offering_id": w.other_offering},
    "provider.index": lambda w: {},
    "provider.profile": lambda w: {},
    "provider.new_offering": lambda w: {},
    "provider.request_label": lambda w: {},
    "admin.index": lambda w: {},
    "admin.audit": lambda w: {},
    "admin.blacklist": lambda w: {},
    "admin.cards": lambda w: {},
    "admin.categories": lambda w: {},
    "admin.add_category": lambda w: {},
    "admin.rename": lambda w: {"category_id": w.category},
    "admin.demo_clock": lambda w: {},
    "admin.demo_clock_wave_deadline": lambda w: {},
    "admin.grant": lambda w: {"provider_id": w.other_provider},
    "admin.withdraw": lambda w: {"provider_id": w.other_provider},
    "admin.import_result": lambda w: {"event_id": 999_999},
    "admin.issue": lambda w: {},
    "admin.upload": lambda w: {},
    "admin.labels": lambda w: {},
    "admin.ledger": lambda w: {},
    "admin.new_programme": lambda w: {},
    "admin.programme": lambda w: {"programme_id": w.programme},
    "admin.programmes": lambda w: {},
    "admin.recycle": lambda w: {},
    "admin.run_job": lambda w: {"name": "no-such-job"},
    "admin.waves": lambda w: {},
}


def _routes(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def allowed_roles(rule_text: str) -> set[str] | None:
    """The roles an `access_rule` lets in; None for public; raises for a rule nobody taught this test."""
    if rule_text == "public":
        return None
    if rule_text == "participant":
        return {"job_seeker"}
    if rule_text.startswith("roles:") and rule_text != "roles:":
        return set(rule_text.removeprefix("roles:").split(","))
    raise AssertionError(f"unknown access rule {rule_text!r}")


def test_every_guarded_route_is_classified(app):
    unclassified, both = [], []
    for rule in _routes(app):
        rule_text = getattr(app.view_functions[rule.endpoint], "access_rule", None)
        if rule_text is None or allowed_roles(rule_text) is None:
            continue  # undeclared rules fail tests/test_access_rules.py; public pages are not guarded
        if rule.endpoint in OWNED and rule.endpoint in IN_AREA:
            both.append(rule.endpoint)
        elif rule.endpoint not in OWNED and rule.endpoint not in IN_AREA:
            unclassified.append(rule.endpoint)
    assert not unclassified, ("new routes: add each to OWNED (names someone's thing) or IN_AREA in "
                              f"tests/security/test_roles.py: {sorted(unclassified)}")
    assert not both, both
    endpoints = {r.endpoint for r in _routes(app)}
    stale = sorted((set(OWNED) | set(IN_AREA)) - endpoints)
    assert not stale, f"routes that no longer exist: {stale}"


def _url(rule, values: dict) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.endpoint}: no value for {sorted(missing)}"
    return rule.build(values)[1]


def _plan(app, world):
    """(endpoint, method, url, rule's roles) for every guarded route and method."""
    for rule in sorted(_routes(app), key=lambda r: r.rule):
        roles = allowed_roles(app.view_functions[rule.endpoint].access_rule)
        if roles is None:
            continue
        if rule.endpoint in OWNED:
            values = OWNED[rule.endpoint][1](world)
        elif rule.endpoint in IN_AREA:
            values = IN_AREA[rule.endpoint](world)
        else:  # unclassified (test_every_guarded_route_is_classified fails): wrong roles are still tried
            values = {arg: 1 for arg in rule.arguments}
        for method in ("GET", "POST"):
            if method in rule.methods:
                yield rule.endpoint, method, _url(rule, values), roles


def _expected(endpoint: str, role: str, roles: set[str]) -> str:
    if role not in roles:
        return "403"
    return "404" if endpoint in OWNED else "in area"


def _status(client, url: str, method: str, data: dict | None = None) -> int | str:
    try:
        response = client.open(url, method=method, data=data)
    except Exception as error:  # TESTING propagates what production would answer with a 500
        return f"500 ({type(error).__name__}: {error})"
    if response.status_code == 302 and response.headers["Location"].startswith("/masuk"):
        return "302 to /masuk (logged out?)"
    return response.status_code


@pytest.mark.parametrize("who", sorted(ROLES))
def test_wrong_roles_get_403_and_other_peoples_things_404(app, make_app, clock, who):
    no_csrf = make_app(WTF_CSRF_ENABLED=False).test_client()
    world = build_world()
    login(no_csrf, who)
    # Its own area is visited as in production, CSRF on and a token sent (pages assume the token).
    own = app.test_client()
    token = CSRF_TOKEN.search(login(own, who).get_data(as_text=True)).group(1)
    wrong, seen = [], set()
    for endpoint, method, url, roles in _plan(app, world):
        expected = _expected(endpoint, ROLES[who], roles)
        if expected != "403" and endpoint not in OWNED and endpoint not in IN_AREA:
            continue
        seen.add(expected)
        if expected == "in area":  # in, whatever the (empty) post makes of it, and never a server error
            status = _status(own, url, method, {"csrf_token": token} if method == "POST" else None)
            ok = isinstance(status, int) and status not in (401, 403) and status < 500
        else:
            status = _status(no_csrf, url, method)
            ok = str(status) == expected
        if not ok:
            wrong.append(f"{method} {url} ({endpoint}): {status}, expected {expected}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)
    assert "403" in seen and "in area" in seen  # the role met both other areas and its own


@pytest.mark.parametrize("owner", ["other", "other_staff"])
def test_the_owner_opens_what_others_are_refused(app, clock, owner):
    """The 404s above mean "not yours": the same URLs open for the person they belong to."""
    world = build_world()
    client = app.test_client()
    login(client, owner)
    checked = []
    for rule in _routes(app):
        if rule.endpoint in OWNED and OWNED[rule.endpoint][0] == owner and "GET" in rule.methods:
            url = _url(rule, OWNED[rule.endpoint][1](world))
            assert client.get(url).status_code == 200, url
            checked.append(rule.endpoint)
    assert checked
