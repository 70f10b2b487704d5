"""Keluar ends the session on the server: a copy of the cookie taken before it is worthless after."""
from __future__ import annotations

from tests.factories import create_participant


def _copy_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copied_cookie_dies_with_keluar(app, client, auth):
    create_participant()
    auth.login()
    copied = _copy_cookie(client)
    assert client.get("/portofolio/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    replay = thief.get("/portofolio/")
    assert replay.status_code == 302 and "/masuk" in replay.location
    # And the replay did not renew anything: a second try is refused the same way.
    assert thief.get("/portofolio/").status_code == 302


def test_keluar_ends_the_other_devices_too(app, client, auth):
    """The version is the account's: a phone left logged in elsewhere is logged out as well."""
    create_participant()
    auth.login()
    other = app.test_client()
    other.set_cookie("session", _copy_cookie(client))  # the same login, another device
    assert other.get("/portofolio/").status_code == 200
    auth.logout()
    assert other.get("/portofolio/").status_code == 302


def test_logging_in_again_after_keluar_works(client, auth):
    create_participant()
    auth.login()
    auth.logout()
    page = auth.login()
    assert "Selamat datang" in page.get_data(as_text=True)
    assert client.get("/portofolio/").status_code == 200


def test_keluar_without_a_login_is_harmless(client):
    """A visitor's Keluar (a stale tab) ends nothing and lands on Beranda."""
    from tests.browser import form

    page = client.get("/")
    assert "Keluar" not in page.get_data(as_text=True)
    token = form(client, client.get("/masuk"), "Masuk")._form.fields()["csrf_token"]
    response = client.post("/keluar", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/")
