"""operator: counselor accounts wait for a counselor's confirmation; resets are told

Revision ID: f1a1operator
Revises: e3a1booking
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a1operator'
down_revision = 'e3a1booking'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counselor_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('counselor_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('password_reset_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('password_reset_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_counselor_confirmed_by_id_users'),
                                    'users', ['counselor_confirmed_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_users_password_reset_by_id_users'),
                                    'users', ['password_reset_by_id'], ['id'],
                                    ondelete='SET NULL')
    # Counselors who already work in the app keep working: they count as confirmed (by
    # nobody) from the day they were made. docs/privacy.md says so; their names stay on
    # the counselors' homes only while unconfirmed, so check the list once after upgrade.
    op.execute("UPDATE users SET counselor_confirmed_at = created_at WHERE role = 'counselor'")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_password_reset_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_counselor_confirmed_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('password_reset_by_id')
        batch_op.drop_column('password_reset_at')
        batch_op.drop_column('counselor_confirmed_by_id')
        batch_op.drop_column('counselor_confirmed_at')
