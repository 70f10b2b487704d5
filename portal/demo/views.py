"""HP Simulasi (the demo phone) and the Panduan Demo panel's hooks and restart button."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from portal.access import public
from portal.demo import bp, guide
from portal.demo.phones import messages_beside_form, session_phones
from portal.forms import checked_post
from portal.redirects import safe_next
from portal.services.sms import messages_to

# App-wide, but only on an app this blueprint is registered on: in demo mode.
bp.before_app_request(guide.note_visit)
bp.after_app_request(guide.remember_visit)


@bp.app_context_processor
def demo_helpers() -> dict:
    # Callables: the layout asks only when it draws the panel, OTP pages only beside their form.
    return {"demo_guide": guide.demo_guide, "demo_phone_beside": messages_beside_form}


@bp.get("/hp")
@public
def phone():
    """The demo phone; newest message first."""
    phones = session_phones()
    return render_template("demo/phone.html", phones=phones, messages=messages_to(phones) if phones else [])


@bp.post("/panduan/mulai-ulang")
@public
def restart_guide():
    """Mulai ulang panduan: forget the steps visited in this browser session, then go back."""
    checked_post()
    guide.forget_visits()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
