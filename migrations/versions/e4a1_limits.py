"""limits: the login lock's columns go; wrong passwords slow one device down instead (#16)

Revision ID: e4a1limits
Revises: e1a1sessions
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a1limits'
down_revision = 'e1a1sessions'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later): batch mode would copy and
    # drop the users table, and with foreign keys on, dropping it runs the ON DELETE
    # (CASCADE, SET NULL) of every table that points at it.
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')


def downgrade():
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False,
                                     server_default='0'))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(), nullable=True))
