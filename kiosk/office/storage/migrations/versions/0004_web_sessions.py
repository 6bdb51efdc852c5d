"""one web_sessions table for staff and volunteers, replacing auth_sessions and volunteer_web_sessions

Staff (console pages) and volunteers (the /volunteer page) log in with the same mechanism, so
their sessions share one table keyed by the token's hash, with `kind` (staff | volunteer) and
`subject_id` (users.id or volunteers.id).

Existing sessions are not carried over: the two old tables are dropped, and everyone who was
logged in simply logs in again (a session lasts hours at most anyway). The downgrade recreates
the old tables empty, for the same reason.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 (times are naive UTC)
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_web_session_subject', ['kind', 'subject_id'], unique=False)

    with op.batch_alter_table('volunteer_web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_web_sessions_volunteer_id'))
    op.drop_table('volunteer_web_sessions')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_sessions_user_id'))
    op.drop_table('auth_sessions')


def downgrade() -> None:
    op.create_table('auth_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_sessions_user_id'), ['user_id'], unique=False)
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

    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_web_session_subject')
    op.drop_table('web_sessions')
