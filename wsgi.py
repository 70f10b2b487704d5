"""The gunicorn target: `gunicorn wsgi:app`. Settings come from the environment (PORTAL_ENV)."""
from portal import create_app

app = create_app()
