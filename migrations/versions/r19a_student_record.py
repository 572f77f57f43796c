"""student record: counselors' invitations (panggilan konseling), students' phone windows,
chat-only weekly hours, and the chat each socket sits at

Revision ID: r19arecord
Revises: j23ajobs
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r19arecord'
down_revision = 'j23ajobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'counseling_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('counselor_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('status', sa.Enum('waiting', 'accepted', 'refused', name='invitationstatus',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'],
                                name=op.f('fk_counseling_invitations_booking_id_bookings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['counselor_id'], ['users.id'],
                                name=op.f('fk_counseling_invitations_counselor_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['users.id'],
                                name=op.f('fk_counseling_invitations_student_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_counseling_invitations')),
    )
    with op.batch_alter_table('counseling_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counseling_invitations_student_id'), ['student_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_counseling_invitations_counselor_id'),
                              ['counselor_id'], unique=False)
    op.create_table(
        'student_phone_windows',
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('windows', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['student_id'], ['users.id'],
                                name=op.f('fk_student_phone_windows_student_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('student_id', name=op.f('pk_student_phone_windows')),
    )
    with op.batch_alter_table('counselor_weekly_hours', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chat_only', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('counselor_weekly_hours', schema=None) as batch_op:
        batch_op.alter_column('chat_only', server_default=None)
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chat_key', sa.String(length=24), nullable=True))
        batch_op.create_index(batch_op.f('ix_chat_connections_chat_key'), ['chat_key'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_chat_key'))
        batch_op.drop_column('chat_key')
    with op.batch_alter_table('counselor_weekly_hours', schema=None) as batch_op:
        batch_op.drop_column('chat_only')
    op.drop_table('student_phone_windows')
    with op.batch_alter_table('counseling_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counseling_invitations_counselor_id'))
        batch_op.drop_index(batch_op.f('ix_counseling_invitations_student_id'))
    op.drop_table('counseling_invitations')
