"""Every admin route: 403 for job seekers and provider staff, /masuk for anonymous visitors, and
no POST without its CSRF token."""
import pytest

from portal.extensions import db
from tests.admin_pmo import login_admin, nik, token
from tests.factories import create_provider, create_user

PMO_PAGES = ("/admin/", "/admin/lembaga", "/admin/kategori", "/admin/program", "/admin/program/baru", "/admin/kartu",
             "/admin/daftar-hitam", "/admin/buku-besar", "/admin/audit")


def admin_routes(app, method: str) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and method in rule.methods:
            values = {arg: "sweep" if arg == "name" else 1 for arg in rule.arguments}
            urls.append(rule.build(values)[1])
    return sorted(set(urls))


def test_the_routes_are_all_found(app):
    gets, posts = admin_routes(app, "GET"), admin_routes(app, "POST")
    assert set(PMO_PAGES) <= set(gets) and "/admin/kartu/impor/1" in gets
    assert {"/admin/lembaga/1/berikan", "/admin/lembaga/1/cabut", "/admin/kategori", "/admin/kategori/1/ganti-nama",
            "/admin/program/baru", "/admin/program/1", "/admin/kartu/terbitkan", "/admin/kartu/unggah"} <= set(posts)


def job_seeker():
    return create_user()


def provider_staff():
    staff = create_user(nik=nik(40), email="staf@contoh.id", role="provider_staff", full_name="Staf LPK")
    staff.provider_id = create_provider().id
    db.session.commit()
    return staff


@pytest.mark.parametrize("make_user", [job_seeker, provider_staff])
def test_others_get_403_everywhere(app, client, auth, make_user):
    user = make_user()
    auth.login(user.nik)
    csrf = token(client.get("/"))
    for url in admin_routes(app, "GET"):
        assert client.get(url).status_code == 403, url
    for url in admin_routes(app, "POST"):
        assert client.post(url, data={"csrf_token": csrf}).status_code == 403, url
    assert 'href="/admin/' not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_go_to_masuk(app, client):
    csrf = token(client.get("/"))
    for url in admin_routes(app, "GET"):
        assert client.get(url).headers["Location"].startswith("/masuk"), url
    for url in admin_routes(app, "POST"):
        assert client.post(url, data={"csrf_token": csrf}).headers["Location"].startswith("/masuk"), url


def test_the_pmo_pages_open_for_the_admin(client, auth):
    login_admin(auth)
    for url in PMO_PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script" not in page.get_data(as_text=True) and " style=" not in page.get_data(as_text=True), url


def test_posts_without_csrf_are_refused(app, client, auth):
    login_admin(auth)
    for url in admin_routes(app, "POST"):
        assert client.post(url, data={"name": "x"}).status_code == 400, url
