"""indexes for call-next's first tickets: each service's line split by priority, and tickets sent to a counter

Call-next on SQLite chooses among the first waiting ticket of each of the counter's lines (normal
and priority per service, plus tickets sent to the counter) instead of sorting the whole line, whose
cost grew with it (issue 18). ix_ticket_call (day, status, service_id, priority, queued_at, id)
gives each line's first ticket by an index seek and replaces ix_ticket_queue (with it beside,
SQLite walked ix_ticket_queue past every normal ticket to find a priority one; "people ahead"
stays an index-only count). ix_ticket_target (partial: only tickets sent to a counter) gives
those. Nothing to backfill.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 (times are naive UTC)
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_SENT = sa.text('target_counter_id IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_ticket_queue', table_name='tickets')
    op.create_index('ix_ticket_call', 'tickets', ['day', 'status', 'service_id', 'priority', 'queued_at', 'id'])
    op.create_index('ix_ticket_target', 'tickets', ['day', 'status', 'target_counter_id', 'queued_at', 'id'],
                    sqlite_where=_SENT, postgresql_where=_SENT)


def downgrade() -> None:
    op.drop_index('ix_ticket_target', table_name='tickets')
    op.drop_index('ix_ticket_call', table_name='tickets')
    op.create_index('ix_ticket_queue', 'tickets', ['day', 'status', 'service_id', 'queued_at', 'id'])
