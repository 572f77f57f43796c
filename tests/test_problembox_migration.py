"""The hand-written migration creates exactly the problem-box tables the models declare."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cyberbk.extensions import db

ROOT = Path(__file__).resolve().parents[1]
TABLES = {"problem_reports", "problem_messages", "problem_notes", "problem_reply_templates",
          "problem_risk_terms"}


def table_of(difference):
    difference = difference[0] if isinstance(difference, list) else difference
    for part in difference[1:]:
        table = getattr(part, "table", None)
        name = table.name if table is not None else getattr(part, "name", part)
        if isinstance(name, str) and name in TABLES:
            return name
    return None


def test_migration_matches_the_models(app, tmp_path):
    instance = tmp_path / "migrated"
    env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    # In a subprocess: Alembic's env.py reconfigures logging for the whole process.
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade",
                    "head"], cwd=ROOT, env=env, check=True, capture_output=True)
    engine = sa.create_engine(f"sqlite:///{instance / 'cyberbk.sqlite'}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, db.metadata) if table_of(d)]
        checks = sa.inspect(connection).get_check_constraints("problem_messages")
    engine.dispose()
    assert differences == []
    assert [c["name"] for c in checks] == ["ck_problem_messages_student_message_without_account"]
