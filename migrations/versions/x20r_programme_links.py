"""the services that deliver a programme row (issue 20 §2): session records, case
conferences, home visits and referrals out name the Program Tahunan row they deliver.

Revision ID: x20rlink
Revises: x21rerase
Create Date: 2026-12-06 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'x20rlink'
down_revision = 'x21rerase'
branch_labels = None
depends_on = None

TABLES = ('session_records', 'case_conferences', 'home_visits', 'outward_referrals')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('programme_row_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_programme_row_id'),
                                  ['programme_row_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_programme_row_id_programme_rows'),
                                        'programme_rows', ['programme_row_id'], ['id'],
                                        ondelete='SET NULL')


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_programme_row_id_programme_rows'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_programme_row_id'))
            batch_op.drop_column('programme_row_id')
