"""The deadline reminders as a job: each reminder its own transaction, batches of due reminders.

Run it several times a day (a reminder is due only on its own WIB day, see
portal/services/reminders.py); every run sends only what no run has sent yet.

Each reminder is one transaction: its `reminders_sent` row and its SMS in the outbox
(portal/services/sms.py: the relay sends it), so both are kept or neither. If two runs race for
the same reminder, the second one's INSERT hits the unique (card_id, days_before) index: on
PostgreSQL it waits until the first transaction ends, then fails if the first committed (it skips:
never two SMS) or succeeds if the first rolled back (it sends instead). On SQLite the second writer
waits for the first to commit (busy_timeout), then fails the same way, or gives up with "database
is locked", which ends that run having queued nothing twice. A gateway that is down delays the
SMS (the relay retries it), never the job.
"""
from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.services.reminders import due_reminders, record_and_text
from portal.services.sms import send_sms

BATCH_SIZE = 200  # due reminders read at once: memory stays bounded whatever the wave's size


def send_deadline_reminders(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Send every reminder due at `now` (7, 3, 1 days before the deadline), each once.

    Returns {"sent": n}: the reminders queued in the SMS outbox by this run.
    """
    sent = 0
    after_card_id = 0  # keyset cursor: a failed reminder is not picked again in this run
    while True:
        batch = due_reminders(now, batch_size, after_card_id)
        # End the read, so each reminder's transaction begins with its INSERT: on SQLite a transaction
        # that read first may fail at once ("database is locked") instead of waiting for the writer.
        db.session.rollback()
        for due in batch:
            after_card_id = due.card_id
            text = record_and_text(due.card_id, due.days_before, due.deadline_at, now)
            if text is None:  # another run sent it, or the card bought or was revoked meanwhile
                db.session.rollback()
                continue
            send_sms(due.phone, text)
            db.session.commit()
            sent += 1
        if len(batch) < batch_size:
            return {"sent": sent}
