"""The audit log in words: an event's details as the PMO reads them — labels instead of keys, times
in WIB, money in rupiah, yes/no instead of True/False — and who acted, with their institution."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import jobs, labels
from portal.formatting import long_date, rupiah, wib
from portal.models import Role
from portal.regions import PROVINCES
from portal.services.audit import AuditRow

MONEY = {"price", "amount", "balance"}


def institution(row: AuditRow) -> str:
    """Where the actor works: their lembaga, or the programme's management for the PMO."""
    if row.actor_role == Role.ADMIN:
        return _("Manajemen Pelaksana Prakerja")
    return row.actor_provider or labels.ROLE.get(row.actor_role, row.actor_role)


def audit_facts(row: AuditRow) -> list[tuple[str, str]]:
    """The event's detail as (label, value) pairs, in the visitor's language."""
    return [(_label(key), _value(key, value)) for key, value in row.detail.items() if value is not None]


def _label(key: str) -> str:
    return str(labels.AUDIT_DETAIL.get(key, key))


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):  # a change: {field: [before, after]}
        return "; ".join(f"{_label(name)}: {_value(name, change)}" for name, change in value.items())
    if isinstance(value, list):
        if len(value) == 2 and not any(isinstance(item, list | dict) for item in value):
            return f"{_value(key, value[0])} → {_value(key, value[1])}"
        return ngettext("%(num)d item", "%(num)d items", len(value))
    if isinstance(value, int) and key in MONEY:
        return rupiah(value)
    if key == "province_code":
        return PROVINCES.get(str(value), str(value))
    if key == "mode":
        return str(labels.OFFERING_MODE.get(value, value))
    if key == "job" and value in jobs.JOBS:
        return str(jobs.JOBS[value].label)
    if key == "status":
        return str(labels.RUN_STATUS.get(value, value))
    return _moment(value) if isinstance(value, str) else str(value)


def _moment(text: str) -> str:
    """An ISO time stored by `record` (UTC) shown in WIB; an ISO date as a date; other text as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:
        return long_date(date.fromisoformat(text))
    return wib(moment) if moment.tzinfo else text
