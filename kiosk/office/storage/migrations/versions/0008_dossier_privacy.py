"""dossier privacy: an unguessable public token, and a note written for the citizen

`public_token` (what the slip's QR and printed URL carry; the public page and the unauthenticated
GET answer only for it, never for the sequential code) is backfilled for existing dossiers with
secrets.token_urlsafe, then made NOT NULL with a unique index. `citizen_note` is the note the
public and kiosk views show; `note` stays the staff's internal note.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 (times are naive UTC)
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('citizen_note', sa.Text(), nullable=True))
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM dossiers WHERE public_token IS NULL"))]
    for i in ids:
        conn.execute(sa.text("UPDATE dossiers SET public_token = :t WHERE id = :id"),
                     {"t": secrets.token_urlsafe(16), "id": i})
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.alter_column('public_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('ix_dossier_public_token', ['public_token'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_public_token')
        batch_op.drop_column('citizen_note')
        batch_op.drop_column('public_token')
