"""report rollup: report_days, the reports' cache of closed days' figures (issue 17)

One row per closed local day: its ticket counts, durations, hours and ratings as JSON, built the
first time a report covers the day (operations/report_rollup.py). Starts empty; nothing to backfill.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 (times are naive UTC)
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade() -> None:
    op.drop_table('report_days')
