"""vocabulary: the four bidang stored as pribadi, sosial, belajar, karier everywhere

Bookings and session records stored "karir"; problem-box reports and RPLs stored the
English personal, social, learning, career. The columns are plain strings (no database
enum type), so only the values change.

Revision ID: e2a1vocabulary
Revises: e4a1limits
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a1vocabulary'
down_revision = 'e4a1limits'
branch_labels = None
depends_on = None

#: Every stored variant of a bidang, to the one value. Mapping a value that is already
#: right to itself is left out, so running the upgrade again changes nothing.
VARIANTS = {
    'personal': 'pribadi',
    'social': 'sosial',
    'learning': 'belajar',
    'career': 'karier',
    'karir': 'karier',
}
COLUMNS = (('bookings', 'field'), ('session_records', 'field'), ('problem_reports', 'field'),
           ('outreach_plans', 'field'))
#: What each table stored before: a downgrade gives the older code the values it reads.
FORMER = {
    'bookings': {'karier': 'karir'},
    'session_records': {'karier': 'karir'},
    'problem_reports': {'pribadi': 'personal', 'sosial': 'social', 'belajar': 'learning',
                        'karier': 'career'},
    'outreach_plans': {'pribadi': 'personal', 'sosial': 'social', 'belajar': 'learning',
                       'karier': 'career'},
}


def rewrite(table, column, mapping):
    statement = sa.text(f'UPDATE {table} SET {column} = :new WHERE {column} = :old')
    for old, new in mapping.items():
        op.execute(statement.bindparams(old=old, new=new))


def upgrade():
    for table, column in COLUMNS:
        rewrite(table, column, VARIANTS)


def downgrade():
    for table, column in COLUMNS:
        rewrite(table, column, FORMER[table])
