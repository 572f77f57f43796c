"""casebook: case book entries, anecdotes, case conferences (participants, follow-up),
home visits and referrals out (issue 21 §1)

Revision ID: t21acasebook
Revises: p20claiseg
Create Date: 2026-12-06 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 't21acasebook'
down_revision = "p20claiseg"
branch_labels = None
depends_on = None


def case_id():
    return sa.Column('case_id', sa.Integer(),
                     sa.ForeignKey('counseling_cases.id', ondelete='CASCADE'), nullable=False)


def upgrade():
    op.create_table(
        'case_book_entries',
        sa.Column('id', sa.Integer(), primary_key=True),
        case_id(),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL')),
        sa.Column('written_on', sa.Date(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('shareable', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False))
    op.create_index('ix_case_book_entries_case_id', 'case_book_entries', ['case_id'])

    op.create_table(
        'anecdotes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('student_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL')),
        sa.Column('observed_on', sa.Date(), nullable=False),
        sa.Column('setting', sa.String(200), nullable=False),
        sa.Column('observation', sa.Text(), nullable=False),
        sa.Column('interpretation', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False))
    op.create_index('ix_anecdotes_student_id', 'anecdotes', ['student_id'])
    op.create_index('ix_anecdotes_author_id', 'anecdotes', ['author_id'])

    op.create_table(
        'case_conferences',
        sa.Column('id', sa.Integer(), primary_key=True),
        case_id(),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', sa.String(200), nullable=False),
        sa.Column('other_participants', sa.Text(), nullable=False),
        sa.Column('discussion', sa.Text(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('agreements', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False))
    op.create_index('ix_case_conferences_case_id', 'case_conferences', ['case_id'])

    op.create_table(
        'case_conference_participants',
        sa.Column('conference_id', sa.Integer(),
                  sa.ForeignKey('case_conferences.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('accepted_at', sa.DateTime()))
    op.create_index('ix_case_conference_participants_user_id', 'case_conference_participants',
                    ['user_id'])

    op.create_table(
        'case_conference_follow_ups',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('conference_id', sa.Integer(),
                  sa.ForeignKey('case_conferences.id', ondelete='CASCADE'), nullable=False),
        sa.Column('action', sa.String(300), nullable=False),
        sa.Column('owner', sa.String(120), nullable=False),
        sa.Column('due_on', sa.Date()))
    op.create_index('ix_case_conference_follow_ups_conference_id', 'case_conference_follow_ups',
                    ['conference_id'])

    op.create_table(
        'home_visits',
        sa.Column('id', sa.Integer(), primary_key=True),
        case_id(),
        sa.Column('planned_on', sa.Date(), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('visitors', sa.String(300), nullable=False),
        sa.Column('address', sa.String(300), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('visited_on', sa.Date()),
        sa.Column('met_with', sa.String(300), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('agreements', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False))
    op.create_index('ix_home_visits_case_id', 'home_visits', ['case_id'])

    op.create_table(
        'outward_referrals',
        sa.Column('id', sa.Integer(), primary_key=True),
        case_id(),
        sa.Column('receiver', sa.String(16), nullable=False),
        sa.Column('addressee', sa.String(200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('shared', sa.Text(), nullable=False),
        sa.Column('consent_by', sa.String(16)),
        sa.Column('consent_on', sa.Date()),
        sa.Column('consent_note', sa.String(300), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('sent_on', sa.Date()),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('reply_on', sa.Date()),
        sa.Column('created_at', sa.DateTime(), nullable=False))
    op.create_index('ix_outward_referrals_case_id', 'outward_referrals', ['case_id'])


def downgrade():
    for table in ('outward_referrals', 'home_visits', 'case_conference_follow_ups',
                  'case_conference_participants', 'case_conferences', 'anecdotes',
                  'case_book_entries'):
        op.drop_table(table)
