"""session evaluations: one invitation a session, one named response an invitation

Revision ID: g17a1evaluations
Revises: f4a1anon
Create Date: 2026-12-06 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g17a1evaluations'
down_revision = 'f4a1anon'
branch_labels = None
depends_on = None

ONE_PER_STUDENT = 'uq_assessment_responses_administration_id'


def upgrade():
    op.create_table('evaluation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('administration_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['administration_id'], ['administrations.id'], name=op.f('fk_evaluation_invitations_administration_id_administrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_evaluation_invitations_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['users.id'], name=op.f('fk_evaluation_invitations_student_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_invitations')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_evaluation_invitations_booking_id'))
    )
    with op.batch_alter_table('evaluation_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_invitations_administration_id'), ['administration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_invitations_student_id'), ['student_id'], unique=False)

    # Evaluations that were open before had no session to belong to: their responses keep
    # NULL, under the one-per-student rule they were given with.
    with op.batch_alter_table('assessment_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_assessment_responses_invitation_id_evaluation_invitations'), 'evaluation_invitations', ['invitation_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_assessment_responses_invitation_id'), ['invitation_id'])
        batch_op.drop_constraint(ONE_PER_STUDENT, type_='unique')
        batch_op.create_index(ONE_PER_STUDENT, ['administration_id', 'user_id'], unique=True,
                              sqlite_where=sa.text('invitation_id IS NULL'),
                              postgresql_where=sa.text('invitation_id IS NULL'))


def downgrade():
    # A student's second evaluation of one administration has no place under the old rule.
    op.execute("DELETE FROM assessment_responses WHERE invitation_id IS NOT NULL AND id NOT IN "
               "(SELECT MIN(id) FROM assessment_responses WHERE user_id IS NOT NULL "
               "GROUP BY administration_id, user_id)")
    with op.batch_alter_table('assessment_responses', schema=None) as batch_op:
        batch_op.drop_index(ONE_PER_STUDENT)
        batch_op.create_unique_constraint(ONE_PER_STUDENT, ['administration_id', 'user_id'])
        batch_op.drop_constraint(batch_op.f('uq_assessment_responses_invitation_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_assessment_responses_invitation_id_evaluation_invitations'), type_='foreignkey')
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('evaluation_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_invitations_student_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_invitations_administration_id'))

    op.drop_table('evaluation_invitations')
