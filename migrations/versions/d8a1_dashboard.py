"""dashboard: semester targets, retention settings, parents' consent register

Revision ID: d8a1dashboard
Revises: c6a1chat
Create Date: 2026-11-28 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a1dashboard'
down_revision = 'c6a1chat'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('semester_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('semester_start', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_semester_targets_value_not_negative')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_semester_targets_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_semester_targets')),
    sa.UniqueConstraint('semester_start', 'metric', name='uq_semester_targets_semester_start_metric')
    )
    op.create_table('retention_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('closed_reports_days', sa.Integer(), nullable=True),
    sa.Column('chat_days', sa.Integer(), nullable=True),
    sa.Column('closed_cases_days', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_settings'))
    )
    op.create_table('parent_consents',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_parent_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_parent_consents_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('student_id', name=op.f('pk_parent_consents'))
    )


def downgrade():
    op.drop_table('parent_consents')
    op.drop_table('retention_settings')
    op.drop_table('semester_targets')
