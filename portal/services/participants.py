"""Daftar sebagai Peserta Pelatihan: the participant profile a job seeker needs before training."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.clock import today_wib
from portal.extensions import db
from portal.models import ParticipantProfile, Role, User
from portal.regions import PROVINCES
from portal.services import DomainError
from portal.services.nik import parse_nik

# Indonesian school levels are names, shown as they are in every language.
EDUCATION_LEVELS: dict[str, str] = {
    "sd": "SD / sederajat",
    "smp": "SMP / sederajat",
    "sma": "SMA / SMK / sederajat",
    "diploma": "Diploma (D1–D3)",
    "s1": "D4 / S1",
    "s2": "S2",
    "s3": "S3",
}


def save_participant_profile(
    user: User, education: str, province_code: str, regency: str, address: str, now: datetime
) -> ParticipantProfile:
    """Create or update `user`'s participant profile; birth date and sex are read from the NIK."""
    if user.role != Role.JOB_SEEKER:
        raise DomainError(_l("Only job seekers can register as training participants."))
    if education not in EDUCATION_LEVELS:
        raise DomainError(_l("Choose your last education from the list."), "education")
    if province_code not in PROVINCES:
        raise DomainError(_l("Choose a province from the list."), "province")
    info = parse_nik(user.nik, today_wib(now))
    profile = user.profile or ParticipantProfile(user_id=user.id, created_at=now)
    profile.birth_date = info.birth_date
    profile.sex = info.sex
    profile.education = education
    profile.province_code = province_code
    profile.regency = " ".join(regency.split())
    profile.address = address.strip()
    profile.updated_at = now
    db.session.add(profile)
    db.session.flush()
    return profile
