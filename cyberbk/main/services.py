import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..extensions import db


def homeroom_classes(teacher):
    """The teacher's classes with their active students."""
    rows = db.session.execute(
        sa.select(SchoolClass, sa.func.count(StudentProfile.user_id))
        .outerjoin(StudentProfile, StudentProfile.class_id == SchoolClass.id)
        .where(SchoolClass.homeroom_teacher_id == teacher.id)
        .group_by(SchoolClass.id)
        .order_by(SchoolClass.name)
    ).all()
    return [{"school_class": row[0], "student_count": row[1], "students": class_roster(row[0])}
            for row in rows]


def class_roster(school_class):
    return db.session.scalars(
        sa.select(User).join(StudentProfile)
        .where(StudentProfile.class_id == school_class.id, User.is_active_account.is_(True))
        .order_by(User.full_name)
    ).all()


def school_summary():
    """Counts the counselor's home shows before the other features add theirs."""
    students = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == Role.STUDENT,
                                                User.is_active_account.is_(True))
    )
    classes = db.session.execute(
        sa.select(SchoolClass.name, sa.func.count(StudentProfile.user_id))
        .outerjoin(StudentProfile, StudentProfile.class_id == SchoolClass.id)
        .group_by(SchoolClass.id)
        .order_by(SchoolClass.grade, SchoolClass.name)
    ).all()
    return {"students": students, "classes": classes}
