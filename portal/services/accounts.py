"""Sisnaker accounts: Buat Akun, activation by SMS code, Masuk, and Kendala Masuk ke Akun?."""
from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from portal.clock import today_wib
from portal.extensions import db
from portal.models import OtpChallenge, OtpPurpose, User
from portal.services import DomainError
from portal.services.claims import offer_claim
from portal.services.nik import parse_nik
from portal.services.otp import OtpRejected, TooManyCodes, otp_minutes, resend_code, start_challenge, verify_code
from portal.services.passwords import check_password, hash_password, password_matches
from portal.services.population import registry
from portal.services.throttle import LoginRefused as LoginRefused  # what authenticate raises
from portal.services.throttle import clear_failures, count_attempt

_BAD_LOGIN = _l("The NIK/email or password is wrong.")
IDENTITY_UNKNOWN = _l("The NIK, full name and mother's maiden name do not match the population registry "
                      "(Dukcapil). Check them against your KTP and family card (Kartu Keluarga).")


class AccountNotActivated(DomainError):
    """The password was right but the account still waits for its SMS code."""

    def __init__(self, user: User):
        super().__init__(_l("Your account is not activated yet. Enter the code sent to your phone."))
        self.user = user


def normalise_phone(raw: str) -> str:
    """An Indonesian mobile number in E.164 (`0812…`, `62812…` and `+62 812…` are one number)."""
    text = raw.strip()
    if text.startswith("62"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise DomainError(_l("Enter a valid mobile number, e.g. 0812 3456 7890."), "phone") from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "ID":
        raise DomainError(_l("Enter a valid Indonesian mobile number, e.g. 0812 3456 7890."), "phone")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise DomainError(_l("This is not a mobile number. SMS codes need a mobile number."), "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """A syntactically valid email, lower-case (no DNS lookup)."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(_l("Enter a valid email address, e.g. nama@contoh.id."), "email") from None


def activation_sms(code: str) -> str:
    return _("SIMULATION Sisnaker: your account activation code is %(code)s. Valid %(minutes)d minutes. "
             "Never share this code.", code=code, minutes=otp_minutes())


def reset_sms(code: str) -> str:
    return _("SIMULATION Sisnaker: your password reset code is %(code)s. Valid %(minutes)d minutes. "
             "If you did not ask for it, ignore this message.", code=code, minutes=otp_minutes())


def register_account(
    nik: str, full_name: str, mother_maiden_name: str, email: str, phone: str, password: str, now: datetime
) -> tuple[User, OtpChallenge]:
    """Create an inactive account and send its activation code. Raises DomainError on bad input.

    The NIK, full name and mother's maiden name must match the population registry
    (`population.registry()`), checked before anything else about the NIK is said. When they match
    but the NIK already has an account, raises `claims.NikTaken`, carrying the offer to claim it.
    """
    parse_nik(nik, today_wib(now))
    email = normalise_email(email)
    phone = normalise_phone(phone)
    check_password(password, (nik, full_name, email.split("@")[0]))
    if not registry().matches(nik, full_name, mother_maiden_name):
        raise DomainError(IDENTITY_UNKNOWN)  # one message: a stranger must not learn whether the NIK exists
    holder = db.session.scalar(select(User).where(User.nik == nik))
    if holder is not None:  # only someone who knows the identity gets here: offer them the claim
        raise offer_claim(holder, email, phone, password, now)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise DomainError(_l("This email is already used by another account."), "email")
    if db.session.scalar(select(User.id).where(User.phone == phone)):
        raise DomainError(_l("This mobile number is already used by another account."), "phone")
    user = User(
        nik=nik, full_name=" ".join(full_name.split()), mother_maiden_name=" ".join(mother_maiden_name.split()),
        email=email, phone=phone, password_hash=hash_password(password), created_at=now,
    )
    try:
        with db.session.begin_nested():  # a racing twin registration loses here, cleanly
            db.session.add(user)
    except IntegrityError:
        raise DomainError(_l("This NIK, email or mobile number already has an account."), "nik") from None
    return user, start_challenge(user, OtpPurpose.ACTIVATION, phone, activation_sms, now)


def restart_activation(user: User, now: datetime) -> OtpChallenge:
    """A new activation challenge for an account that proved its password but is not active."""
    return start_challenge(user, OtpPurpose.ACTIVATION, user.phone, activation_sms, now)


def activate_account(user: User, challenge: OtpChallenge, code: str, now: datetime) -> None:
    """Activate `user` with the code of its activation challenge (raises OtpRejected)."""
    verify_code(challenge, code, now)
    if user.activated_at is None:
        user.activated_at = now
    db.session.flush()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked when the account is unknown, so a miss costs as long as a wrong password."""
    return hash_password("not-a-real-password-only-for-timing")


def _find_by_login(login: str) -> User | None:
    login = login.strip().lower()
    return db.session.scalar(select(User).where(or_(User.nik == login, User.email == login)))


def authenticate(login: str, password: str, now: datetime) -> User:
    """The account for this NIK or email and password; one message for every failure.

    Each try is counted first (portal/services/throttle.py): past a few wrong passwords in a row
    the next try must wait, longer each time, and at LOGIN_MAX_FAILURES the password path closes
    until a code sent by SMS proves the owner. An unknown login is counted and answered the same
    way, at the same cost, so the answers do not tell whether an account exists.
    """
    user = _find_by_login(login)
    attempt = count_attempt(user, login, now)  # raises while backed off, before any hash is checked
    if user is None:
        password_matches(_dummy_hash(), password)
        raise attempt.refuse(attempt.failures, _BAD_LOGIN)
    if not password_matches(user.password_hash, password):
        raise attempt.refuse(attempt.failures, _BAD_LOGIN)
    if not user.is_active:
        raise AccountNotActivated(user)
    clear_failures(user)
    return user


def phone_for_login(login: str) -> str | None:
    """The phone a reset code for `login` would go to (None for an unknown account); for rate limits."""
    user = _find_by_login(login) if login else None
    return user.phone if user else None


def start_password_reset(login: str, now: datetime) -> OtpChallenge | None:
    """Send a reset code to the phone of the account named by `login`, if there is one.

    Returns None for an unknown account; the caller answers the same either way.
    """
    user = _find_by_login(login)
    if user is None:
        return None
    try:
        return start_challenge(user, OtpPurpose.PASSWORD_RESET, user.phone, reset_sms, now)
    except TooManyCodes:
        return None  # answered like an unknown account: the page must not tell them apart


def pending_password_reset(login: str) -> OtpChallenge | None:
    """The newest password-reset challenge of the account named by `login`, if any."""
    user = _find_by_login(login) if login else None
    if user is None:
        return None
    return db.session.scalar(
        select(OtpChallenge)
        .where(OtpChallenge.user_id == user.id, OtpChallenge.purpose == OtpPurpose.PASSWORD_RESET)
        .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc()).limit(1)
    )


def resend_password_reset(login: str, now: datetime) -> None:
    """Kirim ulang kode for a reset: a fresh code to the account named by `login`, if there is one
    and its challenge may send again. Refuses nothing: the caller answers the same either way."""
    challenge = pending_password_reset(login)
    if challenge is None:
        return
    # Too soon, too many sends, or a dead challenge: refused before any write, and not said, since an
    # unknown account would have nothing to refuse.
    with suppress(DomainError):
        resend_code(challenge, reset_sms, now)


def reset_password(login: str, code: str, new_password: str, now: datetime) -> User:
    """Set a new password with a reset code; every other session of the account ends.

    The code is proven first, and only then is anything about the account judged: before it, a
    wrong code is all anyone learns (OtpRejected, its failure count kept), whether the account
    exists or not. A password refused after a right code raises DomainError, so the caller rolls
    back and the code's consumption with it: the owner may try another password with the same code.
    """
    challenge = pending_password_reset(login)
    if challenge is None:  # an unknown account: refused as a wrong code would be
        raise OtpRejected(_l("Wrong code."), "code")
    verify_code(challenge, code, now)
    user = db.session.get(User, challenge.user_id)
    check_password(new_password, (user.nik, user.full_name, user.email.split("@")[0]))
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_logins = 0  # the code proved the owner: the password back-off is lifted
    user.login_backoff_until = None
    if user.activated_at is None:  # the code proved the phone, as activation would have
        user.activated_at = now
    db.session.flush()
    return user
