"""booking: every booking has a student (the unused anonymous path and its column go)

Revision ID: e3a1booking
Revises: e5a1submission
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a1booking'
down_revision = 'e5a1submission'
branch_labels = None
depends_on = None


def upgrade():
    # Nothing in the app ever made a booking without a student; should a database edited
    # by hand hold one, it could not satisfy NOT NULL and nobody could open it anyway.
    op.execute("DELETE FROM bookings WHERE student_id IS NULL")
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_bookings_one_requester'), type_='check')
        batch_op.drop_index(batch_op.f('ix_bookings_anonymous_key'))
        batch_op.drop_column('anonymous_key')
        batch_op.alter_column('student_id', existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.alter_column('student_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('anonymous_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_bookings_anonymous_key'), ['anonymous_key'],
                              unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_bookings_one_requester'),
                                         '(student_id IS NULL) <> (anonymous_key IS NULL)')
