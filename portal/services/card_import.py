"""Issuing cards as the PMO does it: one person at a time, or a CSV file of people declared "lolos".

Every row goes through `cards.issue_card` in its own savepoint, so quota, blacklist, NIK and
phone rules are the same as for one card: good rows are issued, and every bad row is reported
with its line number and the reason. A file that cannot be read at all is refused whole and
nothing is issued. The report is kept in the import's audit event (card ids, not card numbers),
so it can be shown after the redirect and found again from the audit log.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import mask_card_number
from portal.models import AuditEvent, Card, Wave
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.cards import issue_card, open_deadline_after, purchase_deadline
from portal.services.nik import mask_nik

# One request, one transaction, a savepoint and ~12 statements per row: 1,000 rows take ~5 s on
# PostgreSQL, but 5,000 took 45 s (past 64 savepoints subtransactions overflow, and every row
# updates the same wave row), beyond a worker's timeout. A bigger wave is several files.
MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024  # 1 MB
MAX_NAME = 120  # Card.holder_name
# The full card number is shown to the admin who issued it, this long, to hand it to the holder;
# afterwards, and to anyone else, its last four digits (an old or shared link shows nothing usable).
HANDOVER_WINDOW = timedelta(minutes=15)
# The mother's maiden name is needed for a person the population registry does not know yet.
HEADERS = (("nik", "nama", "hp"), ("nik", "name", "phone"), ("nik", "nama", "hp", "nama_ibu"),
           ("nik", "name", "phone", "mother"))
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (zip) and old .xls


@dataclass
class ImportReport:
    """What an import did: `issued` (line, masked NIK, card number), `rejected` (line, reason)."""

    wave_number: int
    issued: list[tuple[int, str, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    filename: str = ""
    event_id: int | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class CardFile:
    """A parsed upload: rows to issue, and records refused before issuing (wrong column count)."""

    rows: list[tuple[str | int, ...]]  # (line, nik, name, phone) or (line, nik, name, phone, mother)
    unreadable: list[tuple[int, str]]


def _checked_accepted_at(accepted_at: datetime | None, now: datetime) -> datetime:
    """Acceptance defaults to now; it cannot be in the future, nor so long ago that the 30 days
    to buy a first training are already over (the card would only be revoked)."""
    if accepted_at is None:
        return now
    if accepted_at > now:
        raise DomainError(_l("The acceptance time cannot be in the future."), "accepted_at")
    if purchase_deadline(accepted_at) <= open_deadline_after(now):
        raise DomainError(_l("A card accepted at that time would already be past its 30-day deadline."),
                          "accepted_at")
    return accepted_at


def _require_wave(wave_number: int) -> None:
    if db.session.scalar(select(Wave.id).where(Wave.number == wave_number)) is None:
        raise DomainError(_l("There is no wave %(n)d.", n=wave_number), "wave")


def issue_one_card(actor: Actor, nik: str, name: str, phone: str, wave_number: int,
                   accepted_at: datetime | None, now: datetime, mother: str | None = None) -> Card:
    """Issue one card (see `cards.issue_card` for the rules, the population record among them) and
    record who did it."""
    accepted_at = _checked_accepted_at(accepted_at, now)
    if len(" ".join(name.split())) > MAX_NAME:
        raise DomainError(_l("The name has at most %(max)d characters.", max=MAX_NAME), "name")
    card = issue_card("".join(nik.split()), name, phone, wave_number, accepted_at, now, mother=mother or None)
    record(actor, "card.issue", f"card:{card.id}", now, wave=wave_number, nik=mask_nik(card.holder_nik),
           accepted_at=accepted_at.isoformat())
    return card


def read_card_file(stream: BinaryIO) -> CardFile:
    """Parse an uploaded CSV: UTF-8 (with or without BOM), comma or semicolon, header `nik,nama,hp`
    or `nik,name,phone` (each optionally followed by `nama_ibu` / `mother`), at most MAX_ROWS rows and
    MAX_BYTES bytes. Raises DomainError("file") when the file cannot be read at all; line numbers
    count the header as line 1."""
    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DomainError(_l("The file is larger than 1 MB. Split it into smaller files."), "file")
    if not raw.strip():
        raise DomainError(_l("The file is empty."), "file")
    if raw.startswith(_WORKBOOK_MAGIC):
        raise DomainError(_l("This is a spreadsheet workbook, not a CSV file. Save it as “CSV UTF-8” and upload "
                             "that file."), "file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
                          "file") from None
    if "\x00" in text:
        raise DomainError(_l("The file is not a text file."), "file")
    first_line = text.splitlines()[0] if text else ""
    delimiter = next((d for d in (",", ";") if _header(first_line.split(d)) in HEADERS), None)
    if delimiter is None:
        raise DomainError(_l("The first line must be the header nik,nama,hp (or nik,name,phone)."), "file")
    return _records(text, delimiter, len(_header(first_line.split(delimiter))))


def _header(cells: list[str]) -> tuple[str, ...]:
    names = [c.strip().strip('"').strip().lower() for c in cells]
    while len(names) > 3 and not names[-1]:
        names.pop()  # trailing empty columns, as spreadsheets write them
    return tuple(names)


def _records(text: str, delimiter: str, columns: int = 3) -> CardFile:
    # Not strict: an unclosed quote makes one record of several lines, which is reported, not lost.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    rows, unreadable, count = [], [], 0
    try:
        next(reader)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            cells = [c.strip() for c in cells]
            while len(cells) > columns and not cells[-1]:
                cells.pop()  # trailing empty columns, as spreadsheets write them
            if not any(cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise DomainError(_l("The file has more than %(max)d rows. Split it into smaller files.",
                                     max=MAX_ROWS), "file")
            if reader.line_num != start or any("\n" in c or "\r" in c for c in cells):
                unreadable.append((start, _("This record runs over lines %(first)d to %(last)d: check the "
                                            "quotation marks.", first=start, last=reader.line_num)))
            elif len(cells) != columns and columns == 3:
                unreadable.append((start, _("Expected 3 columns (NIK, name, phone); this line has %(n)d.",
                                            n=len(cells))))
            elif len(cells) != columns:
                unreadable.append((start, _("Expected 4 columns (NIK, name, phone, mother's maiden name); this "
                                            "line has %(n)d.", n=len(cells))))
            else:
                rows.append((start, *cells))
    except csv.Error:
        raise DomainError(_l("The file could not be read as CSV near line %(line)d (check the quotation marks).",
                             line=reader.line_num), "file") from None
    if count == 0:
        raise DomainError(_l("The file has a header but no rows."), "file")
    return CardFile(rows, unreadable)


def import_cards(actor: Actor, wave_number: int, rows, accepted_at: datetime | None, now: datetime,
                 unreadable=(), filename: str = "") -> ImportReport:
    """Issue a card for each (line, nik, name, phone[, mother]) row into wave `wave_number`.

    Each row is issued in its own savepoint: a refused row (bad NIK or phone, blacklisted, already
    a card holder, quota exhausted, or a NIK already on an earlier line of the file) is rolled back
    alone and reported with its reason. An unknown wave or a bad acceptance time refuses the whole
    import. One audit event records the import and its report.
    """
    _require_wave(wave_number)
    accepted_at = _checked_accepted_at(accepted_at, now)
    report = ImportReport(wave_number=wave_number, filename=filename, at=now)
    rejected, audited, seen = list(unreadable), [], {}
    for line, nik, name, phone, *mother in rows:
        nik = "".join(nik.split())
        if nik in seen:
            rejected.append((line, _("This NIK is also on line %(line)d of the file.", line=seen[nik])))
            continue
        if len(nik) == 16 and nik.isdigit():  # a malformed NIK is reported as malformed, however often
            seen[nik] = line
        if len(" ".join(name.split())) > MAX_NAME:
            rejected.append((line, _("The name has at most %(max)d characters.", max=MAX_NAME)))
            continue
        try:
            with db.session.begin_nested():
                card = issue_card(nik, name, phone, wave_number, accepted_at, now, mother=next(iter(mother), None))
        except DomainError as error:
            rejected.append((line, str(error.message)))
        else:
            report.issued.append((line, mask_nik(card.holder_nik), card.number))
            audited.append([line, mask_nik(card.holder_nik), card.id])  # the log keeps ids, not card numbers
    report.rejected = sorted(rejected)
    event = record(actor, "card.import", f"wave:{wave_number}", now, wave=wave_number, filename=filename,
                   accepted_at=accepted_at.isoformat(), issued_count=len(report.issued),
                   rejected_count=len(report.rejected),
                   issued=audited, rejected=[list(row) for row in report.rejected])
    report.event_id = event.id
    return report


def import_card_file(actor: Actor, wave_number: int, stream: BinaryIO, filename: str,
                     accepted_at: datetime | None, now: datetime) -> ImportReport:
    """Read an uploaded CSV (`read_card_file`) and issue its rows (`import_cards`)."""
    _require_wave(wave_number)
    _checked_accepted_at(accepted_at, now)
    parsed = read_card_file(stream)
    return import_cards(actor, wave_number, parsed.rows, accepted_at, now, parsed.unreadable, filename[:200])


def may_hand_over(issued_by: int | None, issued_at: datetime | None, viewer_id: int, now: datetime) -> bool:
    """True while `viewer_id` may see the full number of a card they issued (see HANDOVER_WINDOW)."""
    return issued_by == viewer_id and issued_at is not None and issued_at <= now <= issued_at + HANDOVER_WINDOW


@dataclass(frozen=True)
class IssuedCard:
    """A card as the Kartu page shows it after issuing: `number` is full only while it may be handed over."""

    card: Card
    number: str
    full: bool


def issued_card(card_id: int, viewer_id: int, now: datetime) -> IssuedCard | None:
    """The card `card_id` with its number as `viewer_id` may see it now (`may_hand_over`)."""
    card = db.session.get(Card, card_id)
    if card is None:
        return None
    issued = db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.at)
        .where(AuditEvent.action == "card.issue", AuditEvent.subject == f"card:{card.id}")
    ).first()
    full = issued is not None and may_hand_over(issued.actor_id, issued.at, viewer_id, now)
    return IssuedCard(card, card.number if full else mask_card_number(card.number), full)


def import_report(event_id: int, viewer_id: int, now: datetime) -> ImportReport | None:
    """The report of an earlier import, from its audit event (card numbers read from the cards,
    full only while `viewer_id` may hand them over, masked otherwise)."""
    event = db.session.get(AuditEvent, event_id)
    if event is None or event.action != "card.import":
        return None
    detail = json.loads(event.detail)
    card_ids = [card_id for _line, _masked, card_id in detail["issued"]]
    numbers = dict(db.session.execute(select(Card.id, Card.number).where(Card.id.in_(card_ids))).all())
    if not may_hand_over(event.actor_id, event.at, viewer_id, now):
        numbers = {card_id: mask_card_number(number) for card_id, number in numbers.items()}
    return ImportReport(
        wave_number=detail["wave"], filename=detail.get("filename", ""), event_id=event.id, at=event.at,
        issued=[(line, masked, numbers.get(card_id, "")) for line, masked, card_id in detail["issued"]],
        rejected=[(line, reason) for line, reason in detail["rejected"]],
    )

