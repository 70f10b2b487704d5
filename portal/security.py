"""Security headers on every response: no inline script, no framing, no sniffing, HTTPS kept."""
from __future__ import annotations

from flask import Flask, request, session

# Everything is served from this host: no CDN, no inline script or style (the templates have none).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def register_security_headers(app: Flask) -> None:
    """Add the headers in an after_request hook; HSTS only where the site is served over HTTPS;
    `no-store` on every page served to a logged-in user."""
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")  # for browsers that predate frame-ancestors
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static" and "_user_id" in session:
            # A shared computer's back button must not show a portfolio after Keluar.
            headers["Cache-Control"] = "no-store"
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
