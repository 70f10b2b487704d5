"""Production setup: JSON logs and request ids, /healthz, rate limits in Redis, gunicorn settings."""
