"""chat: rooms per booking or problem-box thread, booking chat messages, open sockets

Revision ID: c6a1chat
Revises: o7a1outreach
Create Date: 2026-11-28 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c6a1chat'
down_revision = 'o7a1outreach'
branch_labels = None
# The rooms point at bookings and problem reports: their tables must exist first.
depends_on = None


def upgrade():
    op.create_table('chat_rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('video_room', sa.String(length=64), nullable=True),
    sa.Column('student_delivered_id', sa.Integer(), nullable=False),
    sa.Column('student_read_id', sa.Integer(), nullable=False),
    sa.Column('counselor_delivered_id', sa.Integer(), nullable=False),
    sa.Column('counselor_read_id', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(booking_id IS NULL) <> (report_id IS NULL)', name=op.f('ck_chat_rooms_one_subject')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_chat_rooms_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['problem_reports.id'], name=op.f('fk_chat_rooms_report_id_problem_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_rooms')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_chat_rooms_booking_id')),
    sa.UniqueConstraint('report_id', name=op.f('uq_chat_rooms_report_id')),
    sa.UniqueConstraint('video_room', name=op.f('uq_chat_rooms_video_room'))
    )
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('from_counselor', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('client_ref', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['chat_rooms.id'], name=op.f('fk_chat_messages_room_id_chat_rooms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_chat_messages_sender_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages')),
    sa.UniqueConstraint('room_id', 'client_ref', name='uq_chat_messages_room_id_client_ref')
    )
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.create_index('ix_chat_messages_room_id_id', ['room_id', 'id'], unique=False)

    op.create_table('chat_connections',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('connected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['problem_reports.id'], name=op.f('fk_chat_connections_report_id_problem_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_chat_connections'))
    )
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_connections_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_connections_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_user_id'))
        batch_op.drop_index(batch_op.f('ix_chat_connections_report_id'))

    op.drop_table('chat_connections')
    with op.batch_alter_table('chat_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_messages_room_id_id')

    op.drop_table('chat_messages')
    op.drop_table('chat_rooms')
