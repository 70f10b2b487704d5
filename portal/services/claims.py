"""Klaim NIK ini: the card holder takes back the account another person opened on their NIK.

Buat Akun offers a claim only to someone who knows the identity (NIK, full name and mother's
maiden name match the population registry) and only when the programme knows a phone for that
NIK: the registered phone of its newest Kartu Prakerja. A code sent there proves the holder; the
account then moves to them (their email, phone and password replace the others'), every session
and every pending code of the account ends, and the account's cards and trainings stay with it,
since they belong to the NIK. Someone without the card's phone cannot claim, so a squatter
cannot claim back; the page names only the last three digits of that phone.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AccountClaim, Card, OtpChallenge, OtpPurpose, User
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.nik import mask_nik
from portal.services.otp import otp_minutes, start_challenge, verify_code
from portal.services.passwords import hash_password

CLAIM_LIFETIME = timedelta(minutes=30)  # from Buat Akun to the right code
NIK_TAKEN = _l("This NIK already has an account. Log in, or use “Kendala Masuk ke Akun?”.")
NO_CARD = _l("This NIK already has an account. If it is not yours, it cannot be claimed here: the programme "
             "knows no phone for this NIK. Contact the Kartu Prakerja helpdesk (Manajemen Pelaksana) with your KTP.")
CLAIM_GONE = _l("This claim has ended. Start again from “Buat Akun”.")


class NikTaken(DomainError):
    """Buat Akun with the right identity, but the NIK has an account: `claim` is the offer, if any.

    The offer is kept (committed) so that the holder can take it on the next page.
    """

    keeps_writes = True

    def __init__(self, claim: AccountClaim | None):
        super().__init__(NIK_TAKEN if claim else NO_CARD, "nik")
        self.claim = claim


def phone_tail(e164: str) -> str:
    """Only the last three digits of a phone, for a page that must not reveal the number."""
    return f"•••• •••• {e164[-3:]}"


def claim_sms(code: str) -> str:
    return _("SIMULATION Sisnaker: someone who knows your NIK, name and mother's name is claiming the Sisnaker "
             "account of your NIK. Code %(code)s, valid %(minutes)d minutes. If it is not you, ignore this "
             "message and never share the code.", code=code, minutes=otp_minutes())


def newest_card(nik: str) -> Card | None:
    """The newest card of a NIK, revoked or not: its phone is the one the programme registered."""
    return db.session.scalar(select(Card).where(Card.holder_nik == nik).order_by(Card.id.desc()).limit(1))


def _refuse_used_elsewhere(account: User, email: str, phone: str) -> None:
    others = User.id != account.id
    if db.session.scalar(select(User.id).where(User.email == email, others)):
        raise DomainError(_l("This email is already used by another account."), "email")
    if db.session.scalar(select(User.id).where(User.phone == phone, others)):
        raise DomainError(_l("This mobile number is already used by another account."), "phone")


def offer_claim(account: User, email: str, phone: str, password: str, now: datetime) -> NikTaken:
    """The refusal Buat Akun raises when the identity is right but `account` holds the NIK.

    With a card for the NIK it carries a pending claim (what the holder typed, the password hashed);
    without one it says that the claim is not possible here. Nothing is sent yet.
    """
    card = newest_card(account.nik)
    if card is None:
        return NikTaken(None)
    _refuse_used_elsewhere(account, email, phone)
    claim = AccountClaim(user_id=account.id, card_id=card.id, card_phone=card.phone, email=email, phone=phone,
                         password_hash=hash_password(password), created_at=now)
    db.session.add(claim)
    db.session.flush()
    return NikTaken(claim)


def open_claim(claim_id: int | None, now: datetime) -> AccountClaim | None:
    """The pending claim with this id (from the visitor's session), if it is still open."""
    claim = db.session.get(AccountClaim, claim_id) if isinstance(claim_id, int) else None
    if claim is None or claim.completed_at is not None or now >= claim.created_at + CLAIM_LIFETIME:
        return None
    return claim


def claim_challenge(claim: AccountClaim) -> OtpChallenge | None:
    """The code challenge of a claim, once its code was sent."""
    return db.session.get(OtpChallenge, claim.challenge_id) if claim.challenge_id else None


def send_claim_code(claim: AccountClaim, ip: str, now: datetime) -> OtpChallenge:
    """Send the claim's code to the card's registered phone (once; later codes are resends)."""
    if claim.completed_at is not None or now >= claim.created_at + CLAIM_LIFETIME:
        raise DomainError(CLAIM_GONE)
    existing = claim_challenge(claim)
    if existing is not None:
        return existing
    account = db.session.get(User, claim.user_id)
    challenge = start_challenge(account, OtpPurpose.ACCOUNT_CLAIM, claim.card_phone, claim_sms, now,
                                subject=f"claim:{claim.id}")
    claim.challenge_id = challenge.id
    db.session.flush()
    record(Actor(account, ip), "account.claim_start", f"user:{account.id}", now, nik=mask_nik(account.nik),
           card=claim.card_id, code_to=phone_tail(claim.card_phone))
    return challenge


def complete_claim(claim: AccountClaim, code: str, ip: str, now: datetime) -> tuple[User, OtpChallenge | None]:
    """Move the account to the card holder with the code sent to the card's phone.

    Raises OtpRejected on a wrong code (its failure count is kept) and DomainError when the claim
    has ended or the email or phone was taken meanwhile. The account's sessions and pending codes
    end. Returns the account and, when the holder's own phone is not the card's (so not proven
    yet), the activation challenge sent to it: the account waits for that code.
    """
    from portal.services.accounts import activation_sms  # accounts offers the claim: import late

    challenge = claim_challenge(claim)
    if challenge is None or claim.completed_at is not None:
        raise DomainError(CLAIM_GONE)
    verify_code(challenge, code, now)
    account = db.session.get(User, claim.user_id)
    _refuse_used_elsewhere(account, claim.email, claim.phone)
    before = {"email": account.email, "phone": account.phone}
    db.session.execute(  # a code the previous holder asked for (a reset) must not take it back
        update(OtpChallenge).where(OtpChallenge.user_id == account.id, OtpChallenge.consumed_at.is_(None))
        .values(consumed_at=now).execution_options(synchronize_session=False)
    )
    account.email, account.phone, account.password_hash = claim.email, claim.phone, claim.password_hash
    account.session_version += 1
    account.failed_logins, account.login_backoff_until = 0, None  # the holder starts with no back-off
    proven = claim.phone == claim.card_phone
    account.activated_at = now if proven else None
    claim.completed_at = now
    claim.password_hash = ""  # the account has it now: no second copy lingers
    db.session.flush()
    record(Actor(account, ip), "account.claim", f"user:{account.id}", now, nik=mask_nik(account.nik),
           card=claim.card_id, email_changed=before["email"] != claim.email,
           phone_changed=before["phone"] != claim.phone, sessions_ended=True)
    if proven:
        return account, None
    return account, start_challenge(account, OtpPurpose.ACTIVATION, account.phone, activation_sms, now)
