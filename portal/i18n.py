"""Language: Indonesian by default; a visitor may switch to English (kept in the session). A page
anonymous visitors may get from a cache (Angka Program) is also asked for by `?lang=`, which needs
no session and so sets no cookie."""
from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    chosen = None
    if has_request_context():
        chosen = request.args.get("lang") if request.endpoint in CACHEABLE_PAGES else None
        chosen = chosen if chosen in current_app.config["LANGUAGES"] else session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Pages whose anonymous answer is the same for everyone: no session write, no CSRF token, `?lang=`.
CACHEABLE_PAGES = frozenset({"main.numbers"})
