"""the simulated population registry (Dukcapil) and NIK claims

No backfill: accounts already made keep working; a new account needs a record, which the demo
seed, issuing a card and `flask population add` create. (Copying names from existing accounts
would turn an account opened on someone else's NIK into that person's record.)

Revision ID: 3a9b45d25df1
Revises: a2df15e43649
Create Date: 2026-12-08 02:33:05.242962

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '3a9b45d25df1'
down_revision = 'a2df15e43649'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('population_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('mother_maiden_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_records')),
    sa.UniqueConstraint('nik', name=op.f('uq_population_records_nik'))
    )
    op.create_table('account_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('card_phone', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_account_claims_card_id_cards')),
    sa.ForeignKeyConstraint(['challenge_id'], ['otp_challenges.id'], name=op.f('fk_account_claims_challenge_id_otp_challenges'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_claims_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_claims'))
    )
    with op.batch_alter_table('account_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_claims_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('account_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_claims_user_id'))

    op.drop_table('account_claims')
    op.drop_table('population_records')
