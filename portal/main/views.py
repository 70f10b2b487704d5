from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm

from portal.access import public
from portal.main import bp
from portal.redirects import safe_next
from portal.services.catalogue import featured_programmes


@bp.get("/")
@public
def index():
    """Beranda: what the portal is, the tutorial's steps, and a few programmes."""
    return render_template("main/index.html", programmes=featured_programmes(limit=6))


@bp.post("/bahasa/<code>")
@public
def set_locale(code: str):
    """Switch the interface language; unknown codes are ignored."""
    if FlaskForm().validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
