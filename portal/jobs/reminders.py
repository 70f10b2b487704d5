"""The deadline reminders as a job: each reminder its own transaction, batches of due reminders.

Run it several times a day (a reminder is due only on its own WIB day, see
portal/services/reminders.py); every run sends only what no run has sent yet.

Why the order is record → flush → send → commit:
- The `reminders_sent` row is INSERTed (and flushed) before the SMS goes out. If two runs race
  for the same reminder, the second one's INSERT hits the unique (card_id, days_before) index:
  on PostgreSQL it waits until the first transaction ends, then fails if the first committed
  (it skips: never two SMS) or succeeds if the first rolled back (it sends instead). On SQLite
  the second writer waits for the first to commit (busy_timeout), then fails the same way, or
  gives up with "database is locked", which ends that run having sent nothing twice.
- Commit only after the gateway accepted the SMS; if it refused (`SmsNotSent`), roll back: no row
  is kept and the next run sends the reminder (still on its day).
- The one gap left: a crash after the gateway accepted but before the commit loses the row, so
  that reminder may go out twice. Sending first and recording after would instead allow two
  processes to send it at once, every time; a rare duplicate is the better failure.
With the `outbox` backend the SMS row is written in the same transaction, so both or neither.
"""
from __future__ import annotations

import logging
from datetime import datetime

from portal.extensions import db
from portal.services.reminders import due_reminders, record_and_text
from portal.services.sms import SmsNotSent, send_sms

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # due reminders read at once: memory stays bounded whatever the wave's size
MAX_FAILURES_IN_A_ROW = 20  # the gateway is down: stop, rather than wait out timeouts for thousands


def send_deadline_reminders(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Send every reminder due at `now` (7, 3, 1 days before the deadline), each once.

    Returns {"sent": n, "failed": m}; a failed reminder keeps no row and is due again on the
    next run of the same WIB day. After MAX_FAILURES_IN_A_ROW failures in a row the run stops.
    """
    sent = failed = in_a_row = 0
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
            try:
                send_sms(due.phone, text)
            except SmsNotSent:
                db.session.rollback()  # drops the row: the reminder stays due
                failed += 1
                in_a_row += 1
                if in_a_row >= MAX_FAILURES_IN_A_ROW:
                    log.warning("reminders stopped: the SMS gateway failed %d times in a row", in_a_row)
                    return {"sent": sent, "failed": failed}
                continue
            db.session.commit()
            sent += 1
            in_a_row = 0
        if len(batch) < batch_size:
            return {"sent": sent, "failed": failed}
