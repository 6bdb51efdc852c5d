"""ratings of the service at a counter, and the counters' rating devices

`counter_devices` holds the hash of each counter's device key (a tablet on the counter, issued by
an admin); `ratings` one row per finished ticket (score 1–4, tap-only reasons, who served).

Revision ID: 0007
Revises: 0004 (for now: 0005 and 0006 are written in parallel; re-chained at merge)
Create Date: 2026-12-02 (times are naive UTC)
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counter_devices',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('counter_id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('officer', sa.String(length=60), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id')
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_rating_counter_created', ['counter_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_counter_created')
    op.drop_table('ratings')
    op.drop_table('counter_devices')
