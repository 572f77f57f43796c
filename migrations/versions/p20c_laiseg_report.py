"""the laiseg of a logged service, and the counselors' words in the programme report

Revision ID: p20claiseg
Revises: p20bprogramme
Create Date: 2026-12-06 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p20claiseg'
down_revision = 'p20bprogramme'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('laiseg_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_programme_activities_laiseg_id'), ['laiseg_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_programme_activities_laiseg_id_administrations'), 'administrations',
            ['laiseg_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'report_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_key', sa.String(length=16), nullable=False),
        sa.Column('analysis', sa.Text(), nullable=False),
        sa.Column('follow_up', sa.Text(), nullable=False),
        sa.Column('supporting', sa.Text(), nullable=False),
        sa.Column('hindering', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_report_notes_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_notes')),
        sa.UniqueConstraint('period_key', name=op.f('uq_report_notes_period_key')),
    )


def downgrade():
    op.drop_table('report_notes')
    with op.batch_alter_table('programme_activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programme_activities_laiseg_id_administrations'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_programme_activities_laiseg_id'))
        batch_op.drop_column('laiseg_id')
