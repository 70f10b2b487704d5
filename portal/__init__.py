"""The Sisnaker Prakerja portal (a simulation). `create_app` is a list of named steps."""
from __future__ import annotations

from flask import Flask

from portal import config as settings
from portal.paths import STATIC, TEMPLATES


class Portal(Flask):
    def log_exception(self, exc_info) -> None:
        # Flask's default would print the exception's text, values from the database included.
        from portal.logs import log_request_exception

        log_request_exception(self, exc_info)


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides the settings of the PORTAL_ENV profile."""
    app = Portal(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.config.update(settings.load((config or {}).get("PORTAL_ENV")))
    app.config.update(config or {})
    register_logging(app)  # first, so its request hooks run before the others
    register_proxies(app)
    register_extensions(app)
    register_url_converters(app)  # before the blueprints: their rules are compiled when registered
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    register_demo_clock(app)
    register_scheduler(app)
    return app


def register_logging(app: Flask) -> None:
    from portal.logs import register_logging as install

    install(app)


def register_proxies(app: Flask) -> None:
    # Behind TRUSTED_PROXIES reverse proxies, the client's address (rate limits, the audit log)
    # and the scheme come from their X-Forwarded-* headers; with none, those headers are ignored.
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_extensions(app: Flask) -> None:
    from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
    from portal.i18n import select_locale
    from portal.paths import MIGRATIONS

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)  # SQLite ALTERs
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    from portal.auth import sessions  # the user loader, and the session's time limits

    sessions.register(app)


def register_url_converters(app: Flask) -> None:
    from portal.converters import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.certificates import bp as certificates_bp
    from portal.demo import bp as demo_bp
    from portal.health import bp as health_bp
    from portal.main import bp as main_bp
    from portal.portfolio import bp as portfolio_bp
    from portal.prakerja import bp as prakerja_bp
    from portal.provider import bp as provider_bp
    from portal.training import bp as training_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(prakerja_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(provider_bp)
    if app.config["DEMO_MODE"]:
        app.register_blueprint(demo_bp)


def register_security_headers(app: Flask) -> None:
    from portal.security import register_security_headers as add_headers

    add_headers(app)


def register_errorhandlers(app: Flask) -> None:
    from portal.main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from portal import formatting
    from portal.main.context import register

    formatting.register(app)
    register(app)


def register_commands(app: Flask) -> None:
    from portal.cli import register

    register(app)


def register_scheduler(app: Flask) -> None:
    from portal.scheduler import register_scheduler as start_if_flask_run

    start_if_flask_run(app)


def register_demo_clock(app: Flask) -> None:
    # The presenter's moved time survives a restart; tests move time themselves.
    if app.config["DEMO_MODE"] and not app.config.get("TESTING"):
        from portal.services.democlock import register_demo_clock as load_offset

        load_offset(app)
