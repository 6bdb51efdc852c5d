"""dossier reception: a dossier is first `declared`, then an officer receives it

New columns: declared_at (backfilled from received_at: every existing dossier was filed and
"received" at once), appointment_at (date and hour, set on reception), received_by and
received_by_user (the officer), documents_received and missing_documents (JSON lists of the
catalogue's document names), sets. received_at and appointment_date become nullable: a declared
dossier has neither until "Tiếp nhận". Existing rows keep their status.

The downgrade fills received_at/appointment_date of declared dossiers (from declared_at) so the
old NOT NULL constraints hold, then drops the new columns; declared dossiers become `received`,
the old first status.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 (times are naive UTC)
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('appointment_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('received_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('received_by_user', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('documents_received', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sets', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('missing_documents', sa.JSON(), nullable=True))
    op.execute("UPDATE dossiers SET declared_at = received_at")
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.alter_column('declared_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('received_at', existing_type=sa.DateTime(), nullable=True)
        batch_op.alter_column('appointment_date', existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE dossiers SET received_at = declared_at WHERE received_at IS NULL")
    op.execute("UPDATE dossiers SET appointment_date = day WHERE appointment_date IS NULL")
    op.execute("UPDATE dossiers SET status = 'received' WHERE status = 'declared'")
    op.execute("UPDATE dossier_history SET status = 'received' WHERE status = 'declared'")
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.alter_column('appointment_date', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('received_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_column('missing_documents')
        batch_op.drop_column('sets')
        batch_op.drop_column('documents_received')
        batch_op.drop_column('received_by_user')
        batch_op.drop_column('received_by')
        batch_op.drop_column('appointment_at')
        batch_op.drop_column('declared_at')
