"""the sweep's worklist: cards awaiting a first purchase, by deadline

Revision ID: 98f442bbd43a
Revises: 3b7e2f9a61c4
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '98f442bbd43a'
down_revision = '3b7e2f9a61c4'
branch_labels = None
depends_on = None

# Partial: bought and revoked cards leave it, so the sweep's next batch costs the expired cards only.
AWAITING_FIRST_PURCHASE = "status = 'active' AND first_purchase_at IS NULL"


def upgrade():
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_awaiting_first_purchase', ['deadline_at', 'id'], unique=False,
                              sqlite_where=sa.text(AWAITING_FIRST_PURCHASE),
                              postgresql_where=sa.text(AWAITING_FIRST_PURCHASE))


def downgrade():
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_awaiting_first_purchase', sqlite_where=sa.text(AWAITING_FIRST_PURCHASE),
                            postgresql_where=sa.text(AWAITING_FIRST_PURCHASE))
