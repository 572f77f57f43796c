"""The new school year: classes move up a grade, the last grade graduates."""

from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..extensions import db
from .services import set_active

FINAL_GRADE = 9


@dataclass
class ClassMove:
    school_class: SchoolClass
    new_name: str | None  # None: the class graduates
    students: int


def renamed(school_class):
    """7A -> 8A: imports always name a class by its grade number and group."""
    group = school_class.name.removeprefix(str(school_class.grade))
    return f"{school_class.grade + 1}{group}"


def plan(final_grade=FINAL_GRADE):
    """What a promotion would do, highest grade first (so names free up before reuse)."""
    rows = db.session.execute(
        sa.select(SchoolClass, sa.func.count(StudentProfile.user_id))
        .outerjoin(StudentProfile, StudentProfile.class_id == SchoolClass.id)
        .group_by(SchoolClass.id)
        .order_by(SchoolClass.grade.desc(), SchoolClass.name)
    ).all()
    return [ClassMove(c, None if c.grade >= final_grade else renamed(c), count) for c, count in rows]


def clashes(moves):
    """Classes the promotion cannot rename safely: a name that does not start with the
    class's grade (the app never makes one, but a database edited by hand might), or a
    new name that two classes would share."""
    misnamed = {m.school_class.name for m in moves
                if not m.school_class.name.startswith(str(m.school_class.grade))}
    new_names = [m.new_name for m in moves if m.new_name]
    return sorted(misnamed | {name for name in new_names if new_names.count(name) > 1})


def apply(moves):
    """Graduate the final grade (accounts deactivated, class removed), then move the rest up.

    Homeroom teachers move up with their class; the operator changes them by import.
    """
    for move in moves:
        school_class = move.school_class
        if move.new_name is None:
            student_ids = sa.select(StudentProfile.user_id).where(
                StudentProfile.class_id == school_class.id)
            # As a deactivation by hand: their sessions end, and their open chats close.
            for student in db.session.scalars(sa.select(User).where(User.id.in_(student_ids))):
                set_active(student, False)
            db.session.execute(sa.update(StudentProfile)
                               .where(StudentProfile.class_id == school_class.id)
                               .values(class_id=None))
            db.session.delete(school_class)
    db.session.flush()
    for move in moves:
        if move.new_name:
            move.school_class.name = f"~{move.school_class.id}"
    db.session.flush()
    for move in moves:
        if move.new_name:
            move.school_class.name = move.new_name
            move.school_class.grade += 1
