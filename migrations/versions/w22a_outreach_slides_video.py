"""outreach: slides rendered from a PDF or PPTX (a page a row), captions of the guide video

Revision ID: w22aslidesvideo
Revises: t21asociometry
Create Date: 2026-12-06 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'w22aslidesvideo'
down_revision = 't21asociometry'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outreach_slide_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('small_name', sa.String(length=64), nullable=False),
        sa.Column('large_name', sa.String(length=64), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['material_id'], ['outreach_materials.id'],
                                name=op.f('fk_outreach_slide_pages_material_id_outreach_materials'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_id'], ['outreach_attachments.id'],
                                name=op.f('fk_outreach_slide_pages_source_id_outreach_attachments'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_slide_pages')),
    )
    with op.batch_alter_table('outreach_slide_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_slide_pages_material_id'), ['material_id'],
                              unique=False)
    with op.batch_alter_table('outreach_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_captions_filename', sa.String(length=64),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('outreach_settings', schema=None) as batch_op:
        batch_op.drop_column('video_captions_filename')
    with op.batch_alter_table('outreach_slide_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_slide_pages_material_id'))
    op.drop_table('outreach_slide_pages')
