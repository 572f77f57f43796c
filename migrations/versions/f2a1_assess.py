"""assessments: the "has answered" mark keeps no order; anonymous drafts keep no user

Revision ID: f2a1assess
Revises: f5a1risk
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a1assess'
down_revision = 'f5a1risk'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # WITHOUT ROWID: rows are kept in key order, so no rowid counts them in the order
        # they were written, which lined up with the anonymous responses' ids. Nothing
        # points at this table, so swapping it cascades nothing.
        op.execute("CREATE TABLE assessment_participations_new ("
                   "administration_id INTEGER NOT NULL, user_id INTEGER NOT NULL, "
                   "CONSTRAINT pk_assessment_participations PRIMARY KEY "
                   "(administration_id, user_id), "
                   "CONSTRAINT fk_assessment_participations_administration_id_administrations "
                   "FOREIGN KEY(administration_id) REFERENCES administrations (id) "
                   "ON DELETE CASCADE, "
                   "CONSTRAINT fk_assessment_participations_user_id_users "
                   "FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE"
                   ") WITHOUT ROWID")
        op.execute("INSERT INTO assessment_participations_new SELECT administration_id, "
                   "user_id FROM assessment_participations ORDER BY administration_id, user_id")
        op.execute("DROP TABLE assessment_participations")
        op.execute("ALTER TABLE assessment_participations_new "
                   "RENAME TO assessment_participations")
        op.execute("CREATE INDEX ix_assessment_participations_user_id "
                   "ON assessment_participations (user_id)")
    # Anonymous drafts held their student until submitted; they are now held by a token in
    # the browser's session. The old ones cannot be handed back without the user id, so
    # they go (answers first: SQLite may run without foreign keys here).
    op.execute("DELETE FROM assessment_answers WHERE response_id IN (SELECT id FROM "
               "assessment_responses WHERE is_anonymous AND user_id IS NOT NULL)")
    op.execute("DELETE FROM assessment_responses WHERE is_anonymous AND user_id IS NOT NULL")


def downgrade():
    # The rowid-less table works as it is; the deleted drafts cannot come back.
    pass
