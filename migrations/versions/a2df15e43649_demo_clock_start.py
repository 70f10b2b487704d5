"""the demo clock remembers the scenario's start, so the presenter can go back to it

Revision ID: a2df15e43649
Revises: 65d2c0987fcb
Create Date: 2026-12-08 02:31:48.034335

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'a2df15e43649'
down_revision = '65d2c0987fcb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('demo_clock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('demo_clock', schema=None) as batch_op:
        batch_op.drop_column('start_at')
