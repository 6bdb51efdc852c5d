"""ticket queue index covers the line's order: (day, status, service_id, queued_at, id)

"People ahead" on a new ticket counts the waiting tickets of its service queued before it, and
call-next walks the waiting tickets by (queued_at, id). With the index on (day, status,
service_id) alone, both read every waiting ticket's row; with queued_at and id in the index the
count is an index-only range (issue 18). Replaces ix_ticket_queue; nothing to backfill.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 (times are naive UTC)
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_ticket_queue', table_name='tickets')
    op.create_index('ix_ticket_queue', 'tickets', ['day', 'status', 'service_id', 'queued_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_ticket_queue', table_name='tickets')
    op.create_index('ix_ticket_queue', 'tickets', ['day', 'status', 'service_id'])
