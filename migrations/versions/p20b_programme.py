"""the BK programme: Program Tahunan rows, the log of services held, and an RPL's row

Revision ID: p20bprogramme
Revises: w22aslidesvideo
Create Date: 2026-12-06 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p20bprogramme'
down_revision = 'w22aslidesvideo'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_year', sa.Integer(), nullable=False),
        sa.Column('component', sa.Enum('basic', 'planning', 'responsive', 'system',
                                       name='servicecomponent', native_enum=False,
                                       length=16), nullable=False),
        sa.Column('field', sa.Enum('pribadi', 'sosial', 'belajar', 'karier',
                                   name='servicefield', native_enum=False, length=16),
                  nullable=True),
        sa.Column('topic', sa.String(length=160), nullable=False),
        sa.Column('need', sa.String(length=300), nullable=False),
        sa.Column('target_group', sa.String(length=160), nullable=False),
        sa.Column('method', sa.String(length=160), nullable=False),
        sa.Column('semester', sa.Enum('ganjil', 'genap', name='semester', native_enum=False,
                                      length=8), nullable=False),
        sa.Column('month', sa.Integer(), nullable=True),
        sa.Column('jp', sa.Integer(), nullable=False),
        sa.Column('class_id', sa.Integer(), nullable=True),
        sa.Column('drafted', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('jp >= 0 AND jp <= 1000', name=op.f('ck_programme_rows_jp_in_range')),
        sa.CheckConstraint('month IS NULL OR (month >= 1 AND month <= 12)',
                           name=op.f('ck_programme_rows_month_in_range')),
        sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'],
                                name=op.f('fk_programme_rows_class_id_school_classes'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_programme_rows_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_rows')),
    )
    with op.batch_alter_table('programme_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_rows_school_year'), ['school_year'])
        batch_op.create_index(batch_op.f('ix_programme_rows_class_id'), ['class_id'])
        batch_op.create_index(batch_op.f('ix_programme_rows_created_by_id'), ['created_by_id'])

    op.create_table(
        'programme_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counselor_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('classical', 'individual', 'group_guidance',
                                  'group_counseling', 'home_visit', 'case_conference',
                                  'referral', 'consultation', name='activitykind',
                                  native_enum=False, length=20), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('jp', sa.Integer(), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=True),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('class_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('jp >= 0 AND jp <= 40',
                           name=op.f('ck_programme_activities_jp_in_range')),
        sa.ForeignKeyConstraint(['counselor_id'], ['users.id'],
                                name=op.f('fk_programme_activities_counselor_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['row_id'], ['programme_rows.id'],
                                name=op.f('fk_programme_activities_row_id_programme_rows'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['plan_id'], ['outreach_plans.id'],
                                name=op.f('fk_programme_activities_plan_id_outreach_plans'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'],
                                name=op.f('fk_programme_activities_class_id_school_classes'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_activities')),
    )
    with op.batch_alter_table('programme_activities', schema=None) as batch_op:
        for column in ('counselor_id', 'held_on', 'row_id', 'plan_id', 'class_id'):
            batch_op.create_index(batch_op.f(f'ix_programme_activities_{column}'), [column])

    with op.batch_alter_table('outreach_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_row_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outreach_plans_programme_row_id'),
                              ['programme_row_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_outreach_plans_programme_row_id_programme_rows'), 'programme_rows',
            ['programme_row_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outreach_plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outreach_plans_programme_row_id_programme_rows'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outreach_plans_programme_row_id'))
        batch_op.drop_column('programme_row_id')
    op.drop_table('programme_activities')
    op.drop_table('programme_rows')
