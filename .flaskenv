# Loaded by the `flask` command in a checkout (python-dotenv). Real environment variables win.
# gunicorn does not read this file, so a deployment defaults to production settings.
PORTAL_ENV=demo
