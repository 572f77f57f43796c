"""outreach: service info and guide settings, guide steps, RPLs, materials and their files

Revision ID: o7a1outreach
Revises: a4a1assessments
Create Date: 2026-11-28 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'o7a1outreach'
down_revision = 'a4a1assessments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outreach_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('counselor_role', sa.Text(), nullable=False),
    sa.Column('principles', sa.Text(), nullable=False),
    sa.Column('reach', sa.Text(), nullable=False),
    sa.Column('video_source', sa.Enum('none', 'upload', 'youtube', name='videosource', native_enum=False, length=16), nullable=False),
    sa.Column('video_filename', sa.String(length=64), nullable=True),
    sa.Column('video_bytes', sa.Integer(), nullable=True),
    sa.Column('video_poster_filename', sa.String(length=64), nullable=True),
    sa.Column('youtube_id', sa.String(length=11), nullable=True),
    sa.Column('poster_headline', sa.String(length=80), nullable=False),
    sa.Column('poster_tagline', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_settings'))
    )
    op.create_table('outreach_guide_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.String(length=500), nullable=False),
    sa.Column('icon', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_guide_steps'))
    )
    op.create_table('outreach_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('semester', sa.String(length=60), nullable=False),
    sa.Column('component', sa.Enum('basic', 'planning', 'responsive', 'system', name='servicecomponent', native_enum=False, length=16), nullable=False),
    sa.Column('field', sa.Enum('personal', 'social', 'learning', 'career', name='servicefield', native_enum=False, length=16), nullable=True),
    sa.Column('function', sa.String(length=160), nullable=False),
    sa.Column('general_goal', sa.Text(), nullable=False),
    sa.Column('specific_goals', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=160), nullable=False),
    sa.Column('target_group', sa.String(length=160), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('duration', sa.String(length=80), nullable=False),
    sa.Column('media', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('opening', sa.Text(), nullable=False),
    sa.Column('core', sa.Text(), nullable=False),
    sa.Column('closing', sa.Text(), nullable=False),
    sa.Column('process_evaluation', sa.Text(), nullable=False),
    sa.Column('outcome_evaluation', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_outreach_plans_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_outreach_plans_class_id_school_classes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_plans'))
    )
    with op.batch_alter_table('outreach_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_plans_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_plans_class_id'), ['class_id'], unique=False)

    op.create_table('outreach_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='materialstatus', native_enum=False, length=16), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_outreach_materials_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['outreach_plans.id'], name=op.f('fk_outreach_materials_plan_id_outreach_plans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_materials')),
    sa.UniqueConstraint('slug', name=op.f('uq_outreach_materials_slug'))
    )
    with op.batch_alter_table('outreach_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_materials_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_materials_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_materials_status'), ['status'], unique=False)

    op.create_table('outreach_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['outreach_materials.id'], name=op.f('fk_outreach_attachments_material_id_outreach_materials'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_outreach_attachments_stored_name'))
    )
    with op.batch_alter_table('outreach_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_attachments_material_id'), ['material_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outreach_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_attachments_material_id'))

    op.drop_table('outreach_attachments')
    with op.batch_alter_table('outreach_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_materials_status'))
        batch_op.drop_index(batch_op.f('ix_outreach_materials_plan_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_materials_author_id'))

    op.drop_table('outreach_materials')
    with op.batch_alter_table('outreach_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_plans_class_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_plans_author_id'))

    op.drop_table('outreach_plans')
    op.drop_table('outreach_guide_steps')
    op.drop_table('outreach_settings')
