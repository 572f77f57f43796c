"""users.nip: a staff member's NIP, printed under their signature (RPL, class results)

Revision ID: q19cstaffnip
Revises: p19asignatures
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'q19cstaffnip'
down_revision = 'p19asignatures'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nip', sa.String(length=32), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('nip')
