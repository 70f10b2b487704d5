"""login back-off instead of the lock

Revision ID: e4a1c07d9b52
Revises: 3a9b45d25df1
Create Date: 2026-12-08 02:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'e4a1c07d9b52'
down_revision = '3a9b45d25df1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('login_key', sa.String(length=64), nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('login_backoff_until', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('login_key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_failed_at'), ['last_failed_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_backoff_until', portal.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
    # A lock was ten wrong passwords from anyone: it proved nothing about the owner. Locked accounts
    # open again with their count kept, so their next wrong password meets the back-off at once.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_at')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('login_backoff_until')

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_last_failed_at'))
    op.drop_table('login_throttles')
