"""problem box: a story sent twice is stored once

Revision ID: e5a1submission
Revises: e2a1vocabulary
Create Date: 2026-12-06 04:04:54.039181

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1submission'
down_revision = 'e2a1vocabulary'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and a unique index, not batch mode: on SQLite that would copy the
    # table and drop the old one, and with foreign keys on the drop deletes every thread's
    # messages and notes (ON DELETE CASCADE).
    op.add_column('problem_reports', sa.Column('submission_digest', sa.String(length=64),
                                               nullable=True))
    op.create_index(op.f('ix_problem_reports_submission_digest'), 'problem_reports',
                    ['submission_digest'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_problem_reports_submission_digest'), table_name='problem_reports')
    op.drop_column('problem_reports', 'submission_digest')
