"""sociometry: a class's question, the students' answers and the classmates they named

Revision ID: t21asociometry
Revises: t20abirthdate
Create Date: 2026-12-06 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 't21asociometry'
down_revision = 't20abirthdate'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sociometries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=False),
        sa.Column('counselor_id', sa.Integer(), nullable=True),
        sa.Column('question', sa.String(length=200), nullable=False),
        sa.Column('choice_count', sa.Integer(), nullable=False),
        sa.Column('negative_question', sa.String(length=200), nullable=True),
        sa.Column('is_open', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('summary_shared_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('choice_count BETWEEN 1 AND 5',
                           name=op.f('ck_sociometries_choice_count_range')),
        sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'],
                                name=op.f('fk_sociometries_class_id_school_classes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['counselor_id'], ['users.id'],
                                name=op.f('fk_sociometries_counselor_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sociometries')),
    )
    op.create_index(op.f('ix_sociometries_class_id'), 'sociometries', ['class_id'])
    op.create_table(
        'sociometry_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sociometry_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['sociometry_id'], ['sociometries.id'],
                                name=op.f('fk_sociometry_answers_sociometry_id_sociometries'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['users.id'],
                                name=op.f('fk_sociometry_answers_student_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sociometry_answers')),
        sa.UniqueConstraint('sociometry_id', 'student_id',
                            name=op.f('uq_sociometry_answers_sociometry_id')),
    )
    op.create_index(op.f('ix_sociometry_answers_student_id'), 'sociometry_answers',
                    ['student_id'])
    op.create_table(
        'sociometry_choices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('chosen_id', sa.Integer(), nullable=False),
        sa.Column('negative', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['sociometry_answers.id'],
                                name=op.f('fk_sociometry_choices_answer_id_sociometry_answers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['chosen_id'], ['users.id'],
                                name=op.f('fk_sociometry_choices_chosen_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sociometry_choices')),
        sa.UniqueConstraint('answer_id', 'chosen_id', 'negative',
                            name=op.f('uq_sociometry_choices_answer_id')),
    )
    op.create_index(op.f('ix_sociometry_choices_answer_id'), 'sociometry_choices',
                    ['answer_id'])
    op.create_index(op.f('ix_sociometry_choices_chosen_id'), 'sociometry_choices',
                    ['chosen_id'])


def downgrade():
    op.drop_table('sociometry_choices')
    op.drop_table('sociometry_answers')
    op.drop_table('sociometries')
