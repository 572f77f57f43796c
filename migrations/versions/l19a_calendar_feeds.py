"""calendar feeds: each counselor's private, revocable agenda address for a phone calendar

Revision ID: l19a1calendar
Revises: s23aserver
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'l19a1calendar'
down_revision = 's23aserver'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_feeds',
        sa.Column('counselor_id', sa.Integer(), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['counselor_id'], ['users.id'],
                                name=op.f('fk_calendar_feeds_counselor_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('counselor_id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_calendar_feeds_token_digest')),
    )


def downgrade():
    op.drop_table('calendar_feeds')
