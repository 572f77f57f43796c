"""parent requests: the student a counselor linked and the meeting's slot

Revision ID: m19aparents
Revises: r19arecord
Create Date: 2026-12-06 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'm19aparents'
down_revision = 'r19arecord'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parent_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('student_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('counselor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mode', sa.Enum('chat', 'video', 'face', name='mode',
                                                      native_enum=False, length=16),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parent_requests_student_id_users'),
                                    'users', ['student_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_parent_requests_counselor_id_users'),
                                    'users', ['counselor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_parent_requests_student_id'), ['student_id'],
                              unique=False)
        batch_op.create_index('uq_parent_requests_counselor_slot',
                              ['counselor_id', 'starts_at'], unique=True)


def downgrade():
    with op.batch_alter_table('parent_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_parent_requests_counselor_slot')
        batch_op.drop_index(batch_op.f('ix_parent_requests_student_id'))
        batch_op.drop_constraint(batch_op.f('fk_parent_requests_counselor_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_parent_requests_student_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('mode')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')
        batch_op.drop_column('counselor_id')
        batch_op.drop_column('student_id')
