"""anonymous paths: no socket rows for reporters, thread times to the hour

Revision ID: f4a1anon
Revises: f2a1assess
Create Date: 2026-12-06 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4a1anon'
down_revision = 'f2a1assess'
branch_labels = None
depends_on = None


def hour(column):
    """SQL rounding `column` down to the hour, in the database's own dialect."""
    if op.get_bind().dialect.name == 'sqlite':
        # As SQLAlchemy writes a DateTime into SQLite: "YYYY-MM-DD HH:MM:SS.ffffff".
        return f"strftime('%Y-%m-%d %H:00:00.000000', {column})"
    return f"date_trunc('hour', {column})"


def upgrade():
    # A reporter's socket now lives in memory only. chat_connections is only ever read
    # by sid or user: rebuilding it (batch mode copies the table) drops nothing else.
    op.execute("DELETE FROM chat_connections WHERE report_id IS NOT NULL")
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_report_id'))
        batch_op.drop_constraint(batch_op.f('fk_chat_connections_report_id_problem_reports'),
                                 type_='foreignkey')
        batch_op.drop_column('report_id')
    # What was stored to the microsecond before: a thread's room, and a counselor's
    # messages and notes on an anonymous report (they time the reporter's live chat).
    op.execute(f"UPDATE chat_rooms SET created_at = {hour('created_at')} "
               "WHERE report_id IS NOT NULL")
    anonymous = "SELECT id FROM problem_reports WHERE author_id IS NULL"
    for table in ('problem_messages', 'problem_notes'):
        op.execute(f"UPDATE {table} SET created_at = {hour('created_at')} "
                   f"WHERE report_id IN ({anonymous})")
    op.execute(f"UPDATE problem_reports SET closed_at = {hour('closed_at')} "
               "WHERE author_id IS NULL AND closed_at IS NOT NULL")


def downgrade():
    # The rounded times stay rounded: what was dropped is not known any more.
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_chat_connections_report_id_problem_reports'),
                                    'problem_reports', ['report_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_chat_connections_report_id'), ['report_id'],
                              unique=False)
