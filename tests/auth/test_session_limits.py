"""A login ends after 30 minutes idle, and 12 hours after it began, whatever happens in between."""
from datetime import timedelta

from tests.factories import create_user


def test_idle_for_thirty_minutes_logs_out(client, auth, clock):
    create_user()
    auth.login()
    clock.shift(timedelta(minutes=29))
    assert client.get("/portofolio/").status_code == 200  # activity restarts the idle time
    clock.shift(timedelta(minutes=29))
    assert client.get("/portofolio/").status_code == 200
    clock.shift(timedelta(minutes=31))
    page = client.get("/portofolio/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/masuk?next=/portofolio/")
    assert "Sesi Anda telah berakhir" in client.get("/masuk").get_data(as_text=True)


def test_a_login_lasts_twelve_hours_at_most(client, auth, clock):
    create_user()
    auth.login()
    for _ in range(25):  # active every 29 minutes: 12 h 05 min in all
        clock.shift(timedelta(minutes=29))
        last = client.get("/portofolio/")
    assert last.status_code == 302


def test_logged_in_pages_say_so(client, auth):
    create_user()
    auth.login()
    assert "30 menit tanpa aktivitas" in client.get("/").get_data(as_text=True)
