"""school settings: the names and NIPs that sign printed reports (principal, koordinator BK)

Revision ID: p19asignatures
Revises: m19aparents
Create Date: 2026-12-06 10:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p19asignatures'
down_revision = 'm19aparents'
branch_labels = None
depends_on = None

COLUMNS = (('principal_name', 120), ('principal_nip', 32),
           ('coordinator_name', 120), ('coordinator_nip', 32))


def upgrade():
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                          server_default=''))


def downgrade():
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
