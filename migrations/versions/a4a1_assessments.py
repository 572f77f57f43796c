"""assessments: instruments, administrations, responses, answers, participations

Revision ID: a4a1assessments
Revises: p3a1problembox
Create Date: 2026-11-28 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4a1assessments'
down_revision = 'p3a1problembox'
branch_labels = None
depends_on = None

ITEM_TYPES = ('yesno', 'likert4', 'likert5', 'single', 'multiple', 'short_text', 'long_text',
              'heaviest')
SCOPES = ('school', 'grades', 'classes')


def upgrade():
    op.create_table('instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('builtin_key', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_instruments_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruments')),
    sa.UniqueConstraint('builtin_key', name=op.f('uq_instruments_builtin_key'))
    )
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruments_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('instrument_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_instrument_sections_instrument_id_instruments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_sections'))
    )
    with op.batch_alter_table('instrument_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_sections_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('instrument_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum(*ITEM_TYPES, name='itemtype', native_enum=False, length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('hint', sa.String(length=240), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['instrument_sections.id'], name=op.f('fk_instrument_items_section_id_instrument_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_items'))
    )
    with op.batch_alter_table('instrument_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_items_section_id'), ['section_id'], unique=False)

    op.create_table('administrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('scope', sa.Enum(*SCOPES, name='audiencescope', native_enum=False, length=16), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_administrations_dates_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_administrations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_administrations_instrument_id_instruments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_administrations')),
    sa.UniqueConstraint('slug', name=op.f('uq_administrations_slug'))
    )
    with op.batch_alter_table('administrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_administrations_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_administrations_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('administration_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('administration_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(grade IS NULL) <> (class_id IS NULL)', name=op.f('ck_administration_targets_grade_or_class')),
    sa.ForeignKeyConstraint(['administration_id'], ['administrations.id'], name=op.f('fk_administration_targets_administration_id_administrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_administration_targets_class_id_school_classes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_administration_targets'))
    )
    with op.batch_alter_table('administration_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_administration_targets_administration_id'), ['administration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_administration_targets_class_id'), ['class_id'], unique=False)

    op.create_table('assessment_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('administration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('draft_key', sa.String(length=64), nullable=True),
    sa.Column('is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('current_section', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('NOT (is_anonymous AND submitted_at IS NOT NULL AND user_id IS NOT NULL)', name=op.f('ck_assessment_responses_anonymous_has_no_user')),
    sa.CheckConstraint('submitted_at IS NULL OR draft_key IS NULL', name=op.f('ck_assessment_responses_submitted_has_no_draft_key')),
    sa.ForeignKeyConstraint(['administration_id'], ['administrations.id'], name=op.f('fk_assessment_responses_administration_id_administrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_assessment_responses_class_id_school_classes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assessment_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_responses')),
    sa.UniqueConstraint('administration_id', 'user_id', name=op.f('uq_assessment_responses_administration_id')),
    sa.UniqueConstraint('draft_key', name=op.f('uq_assessment_responses_draft_key'))
    )
    with op.batch_alter_table('assessment_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_responses_administration_id'), ['administration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_responses_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_responses_user_id'), ['user_id'], unique=False)

    op.create_table('assessment_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('source_item_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('choice IS NOT NULL OR text IS NOT NULL', name=op.f('ck_assessment_answers_has_value')),
    sa.ForeignKeyConstraint(['item_id'], ['instrument_items.id'], name=op.f('fk_assessment_answers_item_id_instrument_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['assessment_responses.id'], name=op.f('fk_assessment_answers_response_id_assessment_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_item_id'], ['instrument_items.id'], name=op.f('fk_assessment_answers_source_item_id_instrument_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_answers'))
    )
    with op.batch_alter_table('assessment_answers', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_answers_item_id_choice', ['item_id', 'choice'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_answers_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_answers_source_item_id'), ['source_item_id'], unique=False)

    op.create_table('assessment_participations',
    sa.Column('administration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['administration_id'], ['administrations.id'], name=op.f('fk_assessment_participations_administration_id_administrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assessment_participations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('administration_id', 'user_id', name=op.f('pk_assessment_participations'))
    )
    with op.batch_alter_table('assessment_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_participations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessment_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_participations_user_id'))
    op.drop_table('assessment_participations')

    with op.batch_alter_table('assessment_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_answers_source_item_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_answers_response_id'))
        batch_op.drop_index('ix_assessment_answers_item_id_choice')
    op.drop_table('assessment_answers')

    with op.batch_alter_table('assessment_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_responses_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_responses_class_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_responses_administration_id'))
    op.drop_table('assessment_responses')

    with op.batch_alter_table('administration_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_administration_targets_class_id'))
        batch_op.drop_index(batch_op.f('ix_administration_targets_administration_id'))
    op.drop_table('administration_targets')

    with op.batch_alter_table('administrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_administrations_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_administrations_created_by_id'))
    op.drop_table('administrations')

    with op.batch_alter_table('instrument_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_items_section_id'))
    op.drop_table('instrument_items')

    with op.batch_alter_table('instrument_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_sections_instrument_id'))
    op.drop_table('instrument_sections')

    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruments_created_by_id'))
    op.drop_table('instruments')
