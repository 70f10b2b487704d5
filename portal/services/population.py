"""The population registry (Dukcapil): does this NIK belong to a person with this name and mother?

Account creation asks `registry().matches(...)`. The portal ships a simulated registry that reads
the `population_records` table (filled by the demo seed, by issuing cards, and by
`flask --app wsgi population add`); a production deployment names its own class in the
POPULATION_REGISTRY setting, with the same one method, and the rest of the portal does not change.

Names compare as the registry's clerks would: case, spacing and punctuation do not count, the
letters and digits do, in order. So "SITI  RAHMAWATI", "Siti Rahmawati" and "siti rahmawati."
are one name; "Nur'aini" and "Nuraini" are one name; "Muh. Ali" and "Muhammad Ali" are not.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime
from importlib import import_module
from typing import Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.clock import today_wib
from portal.extensions import db
from portal.models import PopulationRecord
from portal.services import DomainError
from portal.services.nik import parse_nik

MAX_NAME = 120  # PopulationRecord.full_name and .mother_maiden_name


class PopulationRegistry(Protocol):
    """What the portal asks Dukcapil: one yes-or-no question, never "whose NIK is this?"."""

    def matches(self, nik: str, full_name: str, mother_maiden_name: str) -> bool:
        """Whether the NIK exists and belongs to this full name and this mother's maiden name."""
        ...


def name_key(name: str) -> str:
    """A name as the registry compares it: letters and digits only, case folded (NFKC first)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def tidy_name(name: str) -> str:
    """A name as stored: the spacing collapsed, the rest as typed."""
    return " ".join(name.split())


class SimulatedRegistry:
    """The registry of the simulation: the `population_records` table."""

    def matches(self, nik: str, full_name: str, mother_maiden_name: str) -> bool:
        record = db.session.scalar(select(PopulationRecord).where(PopulationRecord.nik == nik))
        if record is None:
            return False
        return (name_key(record.full_name) == name_key(full_name) != ""
                and name_key(record.mother_maiden_name) == name_key(mother_maiden_name) != "")


def registry() -> PopulationRegistry:
    """The registry named by the POPULATION_REGISTRY setting."""
    name = current_app.config.get("POPULATION_REGISTRY", "simulated")
    if name == "simulated":
        return SimulatedRegistry()
    module, _, cls = name.partition(":")
    return getattr(import_module(module), cls)()


def find_record(nik: str) -> PopulationRecord | None:
    """The simulated registry's record of `nik`, if any."""
    return db.session.scalar(select(PopulationRecord).where(PopulationRecord.nik == nik))


def record_person(nik: str, full_name: str, mother_maiden_name: str | None, now: datetime) -> PopulationRecord:
    """Make sure the simulated registry knows the person with this NIK and name (flush only).

    A NIK already recorded must carry the same name (and, when given, the same mother's name): one
    NIK is one person. A NIK not yet recorded needs the mother's maiden name to be recorded.
    Raises DomainError otherwise (fields `nik`, `name`, `mother`).
    """
    parse_nik(nik, today_wib(now))
    full_name, mother = tidy_name(full_name), tidy_name(mother_maiden_name or "")
    if not name_key(full_name):
        raise DomainError(_l("The full name is required."), "name")
    if len(full_name) > MAX_NAME or len(mother) > MAX_NAME:
        raise DomainError(_l("A name has at most %(max)d characters.", max=MAX_NAME), "name")
    record = find_record(nik)
    if record is not None:
        return _same_person(record, full_name, mother)
    if not name_key(mother):
        raise DomainError(_l("This NIK is not in the population registry yet: give the mother's maiden name "
                             "to record the person."), "mother")
    record = PopulationRecord(nik=nik, full_name=full_name, mother_maiden_name=mother, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # a racing issuer recorded this NIK first: it must be the same person
        return _same_person(find_record(nik), full_name, mother)
    return record


def _same_person(record: PopulationRecord, full_name: str, mother: str) -> PopulationRecord:
    if name_key(record.full_name) != name_key(full_name):
        raise DomainError(_l("The population registry has another name for this NIK."), "name")
    if mother and name_key(record.mother_maiden_name) != name_key(mother):
        raise DomainError(_l("The population registry has another mother's maiden name for this NIK."), "mother")
    return record
