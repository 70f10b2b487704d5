"""Give every programme of the demo catalogue a short list of sessions to work through.

Session titles are data (Indonesian, like the programme titles), not interface text.
"""
from __future__ import annotations

from sqlalchemy import exists, select

from portal.extensions import db
from portal.models.catalogue import Programme
from portal.models.learning import TrainingSession

TITLE_LIMIT = 160  # TrainingSession.title's column length


def session_titles(programme: Programme) -> list[str]:
    """4 to 6 believable session titles for `programme`; longer courses get more sessions."""
    subject = programme.title
    titles = [
        "Pengenalan dan tujuan pelatihan",
        f"Konsep dasar {subject}",
        f"Praktik terbimbing {subject}",
    ]
    if programme.hours >= 30:
        titles.append("Studi kasus")
    if programme.hours >= 60:
        titles.append("Praktik mandiri dan umpan balik instruktur")
    titles.append("Evaluasi akhir")
    return [title[:TITLE_LIMIT] for title in titles]


def seed_training_sessions() -> int:
    """Create sessions for every programme that has none; return how many sessions were created.

    Programmes that already have sessions are left as they are, so running it again creates
    nothing. Flushes but does not commit: the caller owns the transaction.
    """
    has_sessions = exists().where(TrainingSession.programme_id == Programme.id)
    created = 0
    for programme in db.session.scalars(select(Programme).where(~has_sessions).order_by(Programme.id)).all():
        for position, title in enumerate(session_titles(programme), start=1):
            db.session.add(TrainingSession(programme_id=programme.id, position=position, title=title))
            created += 1
    db.session.flush()
    return created
