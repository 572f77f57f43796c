"""risk check flags with their reasons; crisis contacts with phone and WhatsApp numbers

Revision ID: f5a1risk
Revises: f1a1operator
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5a1risk'
down_revision = 'f1a1operator'
branch_labels = None
depends_on = None

# The national lines every install got from school.services.DEFAULT_CRISIS_CONTACTS, by the
# contact text they were stored with: the numbers to fill in for them.
NATIONAL = (
    ("Telepon 129 · WhatsApp 08111-129-129", "129", "628111129129"),
    ("Telepon 119 ekstensi 8", "119,8", None),
)
# The demo school's own contacts (cyberbk/demo.py).
DEMO = (
    ("0812-0000-0001 (Bu Rina)", "+6281200000001", "6281200000001"),
    ("0812-0000-0009", "+6281200000009", "6281200000009"),
)


def upgrade():
    op.create_table(
        'problem_risk_flags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('concept', sa.String(length=40), nullable=False),
        sa.Column('words', sa.String(length=200), nullable=False),
        sa.Column('marked_wrong', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['problem_reports.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'concept'),
    )
    op.create_index(op.f('ix_problem_risk_flags_report_id'), 'problem_risk_flags',
                    ['report_id'], unique=False)
    # Plain ADD COLUMN, not batch mode: batch mode copies and drops the table on SQLite.
    op.add_column('crisis_contacts', sa.Column('phone', sa.String(length=24), nullable=True))
    op.add_column('crisis_contacts', sa.Column('whatsapp', sa.String(length=20), nullable=True))
    contacts = sa.table('crisis_contacts', sa.column('contact', sa.String),
                        sa.column('phone', sa.String), sa.column('whatsapp', sa.String))
    for contact, phone, whatsapp in NATIONAL + DEMO:
        op.execute(contacts.update().where(contacts.c.contact == contact)
                   .values(phone=phone, whatsapp=whatsapp))


def downgrade():
    op.drop_column('crisis_contacts', 'whatsapp')
    op.drop_column('crisis_contacts', 'phone')
    op.drop_index(op.f('ix_problem_risk_flags_report_id'), table_name='problem_risk_flags')
    op.drop_table('problem_risk_flags')
