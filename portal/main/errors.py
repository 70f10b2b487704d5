"""Error pages in the site's layout. The 500 handler discards the failed request's work first."""
from flask import render_template
from flask_wtf.csrf import CSRFError

from portal.unit_of_work import discard_unfinished_work


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/400.html"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        discard_unfinished_work()
        return render_template("errors/500.html"), 500
