"""volunteers, their kiosk assists and web sessions; help requests from kiosks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 (times are naive UTC)
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('pin_hash', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('volunteer_assists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('volunteer_assists', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_assist_started', ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_assists_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_web_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('volunteer_web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_web_sessions_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('help_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('screen', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('taken_by_volunteer_id', sa.Integer(), nullable=True),
    sa.Column('taken_by_user_id', sa.Integer(), nullable=True),
    sa.Column('taker_name', sa.String(length=200), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['taken_by_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['taken_by_volunteer_id'], ['volunteers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.create_index('ix_help_request_day_status', ['day', 'status'], unique=False)
        batch_op.create_index('ix_help_request_kiosk_status', ['kiosk_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_help_request_kiosk_status')
        batch_op.drop_index('ix_help_request_day_status')
    op.drop_table('help_requests')
    with op.batch_alter_table('volunteer_web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_web_sessions_volunteer_id'))
    op.drop_table('volunteer_web_sessions')
    with op.batch_alter_table('volunteer_assists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_assists_volunteer_id'))
        batch_op.drop_index('ix_volunteer_assist_started')
    op.drop_table('volunteer_assists')
    op.drop_table('volunteers')
