"""the TPPK lane (issue 21 §3): members, cases, steps, notes; the school's violence-report
contact. The role `tppk` needs no change: users.role is a VARCHAR(16) without a CHECK.

Revision ID: t21atppk
Revises: t21acasebook
Create Date: 2026-12-06 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 't21atppk'
down_revision = 't21acasebook'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tppk_contact', sa.String(length=240), nullable=False,
                                      server_default=''))
    op.create_table(
        'tppk_members',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'tppk_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.Enum('story', 'case', 'student', name='source', native_enum=False,
                                    length=16), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('problem_report_id', sa.Integer(), nullable=True),
        sa.Column('counseling_case_id', sa.Integer(), nullable=True),
        sa.Column('student_id', sa.Integer(), nullable=True),
        sa.Column('routed_by_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('student_words', sa.Text(), nullable=True),
        sa.Column('student_told', sa.Boolean(), nullable=False),
        sa.Column('submission_digest', sa.String(length=64), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("(source = 'student') = (summary = '')",
                           name='tppk_routed_or_reported'),
        sa.ForeignKeyConstraint(['problem_report_id'], ['problem_reports.id'],
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['counseling_case_id'], ['counseling_cases.id'],
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['student_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['routed_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('submission_digest'),
    )
    with op.batch_alter_table('tppk_cases', schema=None) as batch_op:
        for column in ('received_at', 'problem_report_id', 'counseling_case_id', 'student_id'):
            batch_op.create_index(batch_op.f(f'ix_tppk_cases_{column}'), [column], unique=False)
    op.create_table(
        'tppk_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Enum('examination', 'parents', 'recommendation', 'support',
                                  'referral', name='step', native_enum=False, length=16),
                  nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['tppk_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('tppk_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tppk_steps_case_id'), ['case_id'], unique=False)
    op.create_table(
        'tppk_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['tppk_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('tppk_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tppk_notes_case_id'), ['case_id'], unique=False)


def downgrade():
    op.drop_table('tppk_notes')
    op.drop_table('tppk_steps')
    op.drop_table('tppk_cases')
    op.drop_table('tppk_members')
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.drop_column('tppk_contact')
