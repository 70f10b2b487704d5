"""Typed SQLAlchemy models, one module per area. Importing this registers them all."""
from portal.models.accounts import ParticipantProfile, User
from portal.models.catalogue import Category, Offering, Programme, Provider
from portal.models.messaging import OtpChallenge, SmsMessage

__all__ = [
    "Category",
    "Offering",
    "OtpChallenge",
    "ParticipantProfile",
    "Programme",
    "Provider",
    "SmsMessage",
    "User",
]
