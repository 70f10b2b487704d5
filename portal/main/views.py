from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import clock
from portal.access import public
from portal.main import bp
from portal.redirects import safe_next
from portal.services.catalogue import featured_programmes
from portal.services.wave_story import day_story
from portal.services.waves import wave_figures

NUMBERS_MAX_AGE = 60  # seconds a cache may keep Angka Program: the figures move with every purchase


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


@bp.get("/angka")
@public
def numbers():
    """Angka Program: per wave the quota, issued, bought, not yet bought, revoked, recycled and the
    deadline; a chart; the day's story. The same for every anonymous visitor, so a cache may keep it."""
    now = clock.now()
    figures = wave_figures()
    response = make_response(render_template("main/numbers.html", figures=figures, story=day_story(figures, now),
                                             now=now))
    if not current_user.is_authenticated:
        response.cache_control.public = True
        response.cache_control.max_age = NUMBERS_MAX_AGE
        response.vary.add("Cookie")  # a visitor who chose English in the session gets another page
    return response
