"""booking: counselor availability, bookings with intake and consent, cases, session
records, referrals and parent requests

Revision ID: b5a1booking
Revises: 1098195f416c
Create Date: 2026-11-28 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b5a1booking"
down_revision = "1098195f416c"
branch_labels = None
depends_on = None

# Only an active booking holds its slot; the partial unique index lets the
# database, not the app, decide who gets a contested slot.
ACTIVE = "status IN ('pending', 'confirmed', 'done')"


def upgrade():
    op.create_table('counseling_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('previous_counselor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='casestatus', native_enum=False, length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Enum('effective_life', 'face_to_face', 'online_again', 'referral', name='outcome', native_enum=False, length=24), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_counseling_cases_counselor_id_users')),
    sa.ForeignKeyConstraint(['previous_counselor_id'], ['users.id'], name=op.f('fk_counseling_cases_previous_counselor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_counseling_cases_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counseling_cases'))
    )
    with op.batch_alter_table('counseling_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counseling_cases_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counseling_cases_student_id'), ['student_id'], unique=False)

    op.create_table('counselor_availability_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('closed', 'extra', name='exceptionkind', native_enum=False, length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_counselor_availability_exceptions_start_before_end')),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_counselor_availability_exceptions_counselor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselor_availability_exceptions'))
    )
    with op.batch_alter_table('counselor_availability_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselor_availability_exceptions_counselor_id'), ['counselor_id'], unique=False)

    op.create_table('counselor_schedules',
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('slot_minutes BETWEEN 10 AND 240', name=op.f('ck_counselor_schedules_slot_minutes_range')),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_counselor_schedules_counselor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('counselor_id', name=op.f('pk_counselor_schedules'))
    )
    op.create_table('counselor_weekly_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.CheckConstraint('start_time < end_time', name=op.f('ck_counselor_weekly_hours_start_before_end')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_counselor_weekly_hours_weekday_range')),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_counselor_weekly_hours_counselor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselor_weekly_hours'))
    )
    with op.batch_alter_table('counselor_weekly_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselor_weekly_hours_counselor_id'), ['counselor_id'], unique=False)

    op.create_table('parent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_name', sa.String(length=120), nullable=False),
    sa.Column('child_name', sa.String(length=120), nullable=False),
    sa.Column('class_name', sa.String(length=16), nullable=False),
    sa.Column('whatsapp', sa.String(length=20), nullable=False),
    sa.Column('preferred_times', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_parent_requests_handled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_requests'))
    )
    with op.batch_alter_table('parent_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_requests_whatsapp'), ['whatsapp'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=True),
    sa.Column('counselor_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('received', 'scheduled', 'done', name='referralstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['counseling_cases.id'], name=op.f('fk_referrals_case_id_counseling_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_referrals_counselor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referrals_referrer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_referrals_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_id'), ['referrer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_student_id'), ['student_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('anonymous_key', sa.String(length=64), nullable=True),
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('student', 'referral', 'anonymous', name='source', native_enum=False, length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('mode', sa.Enum('chat', 'video', 'face', name='mode', native_enum=False, length=16), nullable=False),
    sa.Column('field', sa.Enum('pribadi', 'sosial', 'belajar', 'karir', name='field', native_enum=False, length=16), nullable=True),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'declined', 'cancelled', 'done', name='bookingstatus', native_enum=False, length=16), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('phone_times', sa.String(length=200), nullable=False),
    sa.Column('consent_version', sa.String(length=16), nullable=True),
    sa.Column('consented_at', sa.DateTime(), nullable=True),
    sa.Column('counselor_message', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(student_id IS NULL) <> (anonymous_key IS NULL)', name=op.f('ck_bookings_one_requester')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_bookings_start_before_end')),
    sa.ForeignKeyConstraint(['case_id'], ['counseling_cases.id'], name=op.f('fk_bookings_case_id_counseling_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_bookings_counselor_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_bookings_referral_id_referrals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_bookings_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_anonymous_key'), ['anonymous_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_student_id'), ['student_id'], unique=False)
        batch_op.create_index('uq_bookings_counselor_slot', ['counselor_id', 'starts_at'], unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))

    op.create_table('booking_intakes',
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('student_name', sa.String(length=120), nullable=False),
    sa.Column('class_name', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('help_before', sa.Enum('no', 'school', 'other', name='helpbefore', native_enum=False, length=16), nullable=False),
    sa.Column('feels_unsafe', sa.Boolean(), nullable=False),
    sa.Column('reminder', sa.Enum('none', 'calendar', 'whatsapp', name='reminder', native_enum=False, length=16), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_intakes_booking_id_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_booking_intakes'))
    )
    op.create_table('session_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('counselor_id', sa.Integer(), nullable=True),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('mode', sa.Enum('chat', 'video', 'face', name='mode', native_enum=False, length=16), nullable=False),
    sa.Column('field', sa.Enum('pribadi', 'sosial', 'belajar', 'karir', name='field', native_enum=False, length=16), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('technique', sa.String(length=200), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('laiseg_understanding', sa.Text(), nullable=False),
    sa.Column('laiseg_comfort', sa.Text(), nullable=False),
    sa.Column('laiseg_action', sa.Text(), nullable=False),
    sa.Column('private_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_session_records_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['counseling_cases.id'], name=op.f('fk_session_records_case_id_counseling_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['counselor_id'], ['users.id'], name=op.f('fk_session_records_counselor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_records'))
    )
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_records_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_records_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_records_case_id'))
        batch_op.drop_index(batch_op.f('ix_session_records_booking_id'))

    op.drop_table('session_records')
    op.drop_table('booking_intakes')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_counselor_slot', sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
        batch_op.drop_index(batch_op.f('ix_bookings_student_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_referral_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_counselor_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_case_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_anonymous_key'))

    op.drop_table('bookings')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_student_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_referrer_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_counselor_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('parent_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_requests_whatsapp'))
        batch_op.drop_index(batch_op.f('ix_parent_requests_created_at'))

    op.drop_table('parent_requests')
    with op.batch_alter_table('counselor_weekly_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselor_weekly_hours_counselor_id'))

    op.drop_table('counselor_weekly_hours')
    op.drop_table('counselor_schedules')
    with op.batch_alter_table('counselor_availability_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselor_availability_exceptions_counselor_id'))

    op.drop_table('counselor_availability_exceptions')
    with op.batch_alter_table('counseling_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counseling_cases_student_id'))
        batch_op.drop_index(batch_op.f('ix_counseling_cases_counselor_id'))

    op.drop_table('counseling_cases')
