"""wave counters: cards bought and places recycled in; the wave's acceptance day

Revision ID: 65d2c0987fcb
Revises: 98f442bbd43a
Create Date: 2026-12-08 02:30:33.954573

"""
from datetime import UTC, timedelta, timezone

from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '65d2c0987fcb'
down_revision = '98f442bbd43a'
branch_labels = None
depends_on = None

WIB = timezone(timedelta(hours=7))  # Asia/Jakarta has kept UTC+7 since 1964
BOUGHT_OR_REVOKED = "cards_bought >= 0 AND cards_bought + revoked_count <= cards_issued"

waves = sa.table('waves', sa.column('id', sa.Integer()), sa.column('accepted_on', sa.Date()),
                 sa.column('opened_at', portal.models.types.UTCDateTime()))
cards = sa.table('cards', sa.column('wave_id', sa.Integer()),
                 sa.column('accepted_at', portal.models.types.UTCDateTime()))


def _wib_day(moment):
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(WIB).date()


def upgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cards_bought', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('recycled_in', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('accepted_on', sa.Date(), nullable=True))

    # Backfill from the cards, once: from now on each counter moves with the card change that causes it.
    op.execute("UPDATE waves SET cards_bought = (SELECT count(*) FROM cards "
               "WHERE cards.wave_id = waves.id AND cards.first_purchase_at IS NOT NULL)")
    op.execute("UPDATE waves SET recycled_in = (SELECT coalesce(sum(places), 0) FROM wave_recyclings "
               "WHERE wave_recyclings.target_wave_id = waves.id)")
    # A wave's acceptance day: its first card's, or the day it opened when it has none.
    conn = op.get_bind()
    first_accepted = sa.select(sa.func.min(cards.c.accepted_at)).where(cards.c.wave_id == waves.c.id).scalar_subquery()
    for wave_id, opened_at, accepted_at in conn.execute(sa.select(waves.c.id, waves.c.opened_at, first_accepted)).all():
        conn.execute(waves.update().where(waves.c.id == wave_id).values(accepted_on=_wib_day(accepted_at or opened_at)))

    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.alter_column('accepted_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint(op.f('ck_waves_bought_or_revoked'), sa.text(BOUGHT_OR_REVOKED))


def downgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_waves_bought_or_revoked'), type_='check')
        batch_op.drop_column('accepted_on')
        batch_op.drop_column('recycled_in')
        batch_op.drop_column('cards_bought')
