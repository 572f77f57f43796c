"""the school's colours for its posters (issue 22): primary and accent, "#rrggbb".

Revision ID: x22pposter
Revises: t21atppk
Create Date: 2026-12-06 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'x22pposter'
down_revision = 't21atppk'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('primary_colour', sa.String(length=7), nullable=False,
                                      server_default='#0b5d55'))
        batch_op.add_column(sa.Column('accent_colour', sa.String(length=7), nullable=False,
                                      server_default='#f2b632'))


def downgrade():
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.drop_column('accent_colour')
        batch_op.drop_column('primary_colour')
