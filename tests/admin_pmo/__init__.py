"""The PMO's tools: labels, catalogue, issuing cards (one or by CSV), blacklist, ledger, audit.

New strings render in English until their Indonesian translations are merged, so tests find
forms by the URL they post to and read data attributes and ids rather than sentences.
"""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Card, User
from tests.browser import form_posting_to
from tests.factories import create_user

ADMIN_NIK = "3171011203850004"


def nik(serial: int) -> str:
    """A valid NIK (Jawa Barat, a woman born 5 August 1995) with serial `serial`."""
    return f"327301450895{serial:04d}"


def login_admin(auth) -> User:
    admin = create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")
    auth.login(ADMIN_NIK)
    return admin


def token(page) -> str:
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def submit(client, page, action: str, follow_redirects: bool = True, **fields):
    """Press the form on `page` posting to `action`, with `fields` (by input name) typed in first."""
    form = form_posting_to(client, page, action)
    names = {item.name for item in form._form.inputs}
    missing = set(fields) - names
    assert not missing, f"no inputs {missing} in the form posting to {action}; inputs: {sorted(names)}"
    for item in form._form.inputs:
        if item.name in fields:
            item.value = fields[item.name]
    return form.submit(follow_redirects=follow_redirects)


def upload(client, content: bytes, wave: int | str = 13, filename: str = "kartu.csv", accepted_at: str = "",
           follow_redirects: bool = True):
    """Unggah CSV from the Kartu page, as a browser sends a file."""
    page = client.get("/admin/kartu")
    data = {"csrf_token": token(page), "upload-wave": str(wave), "upload-accepted_at": accepted_at,
            "upload-file": (io.BytesIO(content), filename)}
    return client.post("/admin/kartu/unggah", data=data, content_type="multipart/form-data",
                       follow_redirects=follow_redirects)


def field_error(html: str, field_id: str) -> str:
    """The error text shown under the field `field_id`."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error" role="alert">(.*?)</p>', html, re.S)
    assert match, f"no error for #{field_id}"
    return match.group(1)


def form_error(html: str) -> str:
    match = re.search(r'<div class="alert alert--error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no form error"
    return match.group(1)


def cards_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Card))


def audit_actions() -> list[tuple[str, str]]:
    """(action, subject) of every audit event, oldest first."""
    return [tuple(r) for r in db.session.execute(select(AuditEvent.action, AuditEvent.subject).order_by(AuditEvent.id))]
