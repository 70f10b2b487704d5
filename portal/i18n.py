"""Language: Indonesian by default; a visitor may switch to English (kept in the session)."""
from flask import current_app, has_request_context, session


def select_locale() -> str:
    chosen = session.get("locale") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
