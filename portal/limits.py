"""Per-address request limits (Flask-Limiter), sized in the settings."""
from flask import current_app

from portal.extensions import limiter

login_limit = limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
# Every page that sends or checks an SMS code.
otp_limit = limiter.limit(lambda: current_app.config["RATELIMIT_OTP"], methods=["POST"])
