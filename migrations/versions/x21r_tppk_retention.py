"""Retention of the TPPK lane's handled violence reports (issue 21): a setting beside the
others, three years for a school that had saved its settings before (as the default).

Revision ID: x21rerase
Revises: x22pposter
Create Date: 2026-12-06 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'x21rerase'
down_revision = 'x22pposter'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('retention_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_tppk_days', sa.Integer(), nullable=True))
    # NULL keeps forever: a saved row gets the default (retention.DEFAULT_TPPK_DAYS) instead.
    op.execute("UPDATE retention_settings SET closed_tppk_days = 1095")


def downgrade():
    with op.batch_alter_table('retention_settings', schema=None) as batch_op:
        batch_op.drop_column('closed_tppk_days')
