"""The data migration e2a1vocabulary: every stored bidang becomes the one vocabulary's."""

import os
import subprocess
import sys
from datetime import date
from datetime import datetime
from datetime import time
from pathlib import Path

import sqlalchemy as sa

from cyberbk.common.vocabulary import ServiceField

ROOT = Path(__file__).resolve().parents[1]
FILLERS = {sa.DateTime: datetime(2026, 3, 2, 1, 0), sa.Date: date(2026, 3, 2),
           sa.Time: time(8, 0), sa.Boolean: False, sa.Integer: 1, sa.Float: 0.0}
#: (table, field as stored before) rows, as the four features wrote them.
OLD_ROWS = [("bookings", "karir"), ("bookings", None), ("session_records", "pribadi"),
            ("session_records", "karir"), ("problem_reports", "personal"),
            ("problem_reports", "social"), ("problem_reports", "learning"),
            ("problem_reports", "career"), ("problem_reports", None),
            ("outreach_plans", "career"), ("outreach_plans", "social")]
NEW_FIELDS = ["karier", None, "pribadi", "karier", "pribadi", "sosial", "belajar", "karier",
              None, "karier", "sosial"]


def flask_db(instance, *args):
    env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    # In a subprocess: Alembic's env.py reconfigures logging for the whole process.
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args], cwd=ROOT,
                   env=env, check=True, capture_output=True)


def filler(column, number):
    if isinstance(column["type"], sa.String):
        return f"x{number}"  # unique, for the unique columns
    return next(value for kind, value in FILLERS.items() if isinstance(column["type"], kind))


def insert(connection, table, field, number):
    """A row holding `field`, every other required column filled with a plain value."""
    columns = sa.inspect(connection).get_columns(table)
    values = {c["name"]: filler(c, number) for c in columns
              if not c["nullable"] and c["default"] is None and c["name"] != "id"}
    values.update(field=field)
    if table == "bookings":
        # One requester; a slot of its own; ends after it starts.
        values.update(student_id=1, counselor_id=number, ends_at=datetime(2026, 3, 2, 2, 0))
    names = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES "
                               f"({', '.join(':' + name for name in values)})"), values)


def stored_fields(engine):
    with engine.connect() as connection:
        return [connection.execute(sa.text(f"SELECT field FROM {table} ORDER BY id"))
                .scalars().all() for table in dict(OLD_ROWS)]


def by_table(fields):
    grouped = {}
    for (table, _old), field in zip(OLD_ROWS, fields, strict=True):
        grouped.setdefault(table, []).append(field)
    return list(grouped.values())


#: The revision just before the vocabulary's.
BEFORE = "e4a1limits"
AFTER = "e2a1vocabulary"


def test_old_values_become_the_vocabulary_and_back(tmp_path):
    instance = tmp_path / "migrated"
    flask_db(instance, "upgrade", "d8a1dashboard")
    engine = sa.create_engine(f"sqlite:///{instance / 'cyberbk.sqlite'}")
    with engine.begin() as connection:
        for number, (table, field) in enumerate(OLD_ROWS, 1):
            insert(connection, table, field, number)

    flask_db(instance, "upgrade", AFTER)
    assert stored_fields(engine) == by_table(NEW_FIELDS)
    assert {f for f in NEW_FIELDS if f} <= {field.value for field in ServiceField}

    # Run again on migrated data (as after a restore of a newer backup): nothing moves.
    flask_db(instance, "stamp", BEFORE)
    flask_db(instance, "upgrade", AFTER)
    assert stored_fields(engine) == by_table(NEW_FIELDS)

    # The downgrade gives each table the values its older code reads.
    flask_db(instance, "downgrade", BEFORE)
    assert stored_fields(engine) == by_table(
        ["karir", None, "pribadi", "karir", "personal", "social", "learning", "career", None,
         "career", "social"])
    engine.dispose()
