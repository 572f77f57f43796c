"""problem box: reports, thread messages, notes, reply templates, risk terms

Revision ID: p3a1problembox
Revises: b5a1booking
Create Date: 2026-11-28 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p3a1problembox'
down_revision = 'b5a1booking'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('problem_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('field', sa.Enum('personal', 'social', 'learning', 'career', name='reportfield', native_enum=False, length=16), nullable=True),
    sa.Column('status', sa.Enum('new', 'in_progress', 'closed', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('is_urgent', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('has_new_reply', sa.Boolean(), nullable=False),
    sa.Column('session_mode', sa.Enum('chat', 'video', name='sessionmode', native_enum=False, length=16), nullable=True),
    sa.Column('session_times', sa.String(length=200), nullable=False),
    sa.Column('session_request_open', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_problem_reports_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_reports')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_problem_reports_code_digest'))
    )
    with op.batch_alter_table('problem_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_reports_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_reports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_reports_has_new_reply'), ['has_new_reply'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_reports_is_urgent'), ['is_urgent'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_reports_status'), ['status'], unique=False)

    op.create_table('problem_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('from_counselor', sa.Boolean(), nullable=False),
    sa.Column('counselor_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('from_counselor OR counselor_id IS NULL', name=op.f('ck_problem_messages_student_message_without_account')),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_problem_messages_counselor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['problem_reports.id'], name=op.f('fk_problem_messages_report_id_problem_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_messages'))
    )
    with op.batch_alter_table('problem_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_messages_report_id'), ['report_id'], unique=False)

    op.create_table('problem_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_problem_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['problem_reports.id'], name=op.f('fk_problem_notes_report_id_problem_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_notes'))
    )
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_notes_report_id'), ['report_id'], unique=False)

    op.create_table('problem_reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_reply_templates'))
    )
    op.create_table('problem_risk_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_risk_terms')),
    sa.UniqueConstraint('term', name=op.f('uq_problem_risk_terms_term'))
    )


def downgrade():
    op.drop_table('problem_risk_terms')
    op.drop_table('problem_reply_templates')
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_notes_report_id'))

    op.drop_table('problem_notes')
    with op.batch_alter_table('problem_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_messages_report_id'))

    op.drop_table('problem_messages')
    with op.batch_alter_table('problem_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_reports_status'))
        batch_op.drop_index(batch_op.f('ix_problem_reports_is_urgent'))
        batch_op.drop_index(batch_op.f('ix_problem_reports_has_new_reply'))
        batch_op.drop_index(batch_op.f('ix_problem_reports_created_at'))
        batch_op.drop_index(batch_op.f('ix_problem_reports_author_id'))

    op.drop_table('problem_reports')
