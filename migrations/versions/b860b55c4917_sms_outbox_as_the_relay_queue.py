"""the SMS outbox becomes the relay's queue: status, attempts, next attempt, sent time, last error

Revision ID: b860b55c4917
Revises: e4a1c07d9b52
Create Date: 2026-12-08 02:32:23.834983

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'b860b55c4917'
down_revision = 'e4a1c07d9b52'
branch_labels = None
depends_on = None


def upgrade():
    # Messages already in the table were delivered when written (the old, in-request sending):
    # they are "sent", and the relay never picks them up.
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=False, server_default='sent'))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_sms_messages_due', ['status', 'next_attempt_at'], unique=False)
    op.execute("UPDATE sms_messages SET sent_at = created_at")
    # The defaults were for the rows above only: the model sets both on every new message.
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('attempts', server_default=None)


def downgrade():
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_messages_due')
        batch_op.drop_column('last_error')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')
