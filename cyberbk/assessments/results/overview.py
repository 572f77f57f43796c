"""What the homes and the dashboard show of the administrations."""

import sqlalchemy as sa

from ...accounts.models import Role
from ...accounts.models import SchoolClass
from ...common import signals
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import Administration
from ..models import Response
from ..models import about_counseling
from ..models import class_condition
from ..services import open_administrations
from ..services import open_for_student
from .counts import ClassCompletion
from .counts import completion
from .reports import percent


def administrations_with_counts():
    """[(administration, submitted responses)], newest first."""
    return db.session.execute(
        sa.select(Administration, sa.func.count(Response.id))
        .outerjoin(Response, sa.and_(Response.administration_id == Administration.id,
                                     Response.submitted_at.is_not(None)))
        .group_by(Administration.id)
        .order_by(Administration.opens_at.desc(), Administration.id.desc())).all()


@signals.home_page.connect
def home_part(user):
    """Questionnaires to answer, to follow for one's classes, or to watch fill up."""
    if user.role == Role.STUDENT:
        return {"questionnaires": open_for_student(user)}
    if user.role == Role.HOMEROOM:
        return {"questionnaires": homeroom_overview(user, open_only=True)}
    if user.role == Role.COUNSELOR:
        return {"questionnaires": open_with_completion()}
    return {}


@signals.day_summary.connect
def day_part(_counselor):
    return {"questionnaires": [(administration, answered, students, percent(answered, students))
                               for administration, answered, students in open_with_completion()]}


@signals.waiting_counts.connect
def waiting_part(user):
    """A homeroom teacher's questionnaires open now for one of their classes (whose
    students they may remind), in one statement."""
    if user.acting_role != Role.HOMEROOM:
        return {}
    now = utcnow()
    # class_condition on the class entity itself: every class of the teacher at once.
    return {"class_questionnaires": db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Administration.id)))
        .join(SchoolClass, sa.true())
        .where(SchoolClass.homeroom_teacher_id == user.id,
               Administration.opens_at <= now, Administration.closes_at > now,
               ~about_counseling(), class_condition(SchoolClass)))}


def open_with_completion():
    """[(administration, answered, students)] for the administrations open now."""
    overview = []
    for administration in open_administrations():
        rows = completion(administration)
        overview.append((administration, sum(r.answered for r in rows),
                         sum(r.students for r in rows)))
    return overview


def homeroom_overview(teacher, open_only=False):
    """[(class, [(administration, ClassCompletion)])] for the teacher's own classes."""
    classes = db.session.scalars(sa.select(SchoolClass)
                                 .where(SchoolClass.homeroom_teacher_id == teacher.id)
                                 .order_by(SchoolClass.grade, SchoolClass.name)).all()
    overview = []
    for school_class in classes:
        # Evaluations of counseling are between the student and the counselor.
        statement = sa.select(Administration).where(class_condition(school_class),
                                                    ~about_counseling())
        if open_only:
            now = utcnow()
            statement = statement.where(Administration.opens_at <= now,
                                        Administration.closes_at > now)
        entries = []
        for administration in db.session.scalars(
                statement.order_by(Administration.opens_at.desc())):
            row = next(iter(completion(administration, [school_class.id])), None)
            entries.append((administration, row or ClassCompletion(school_class, 0, 0)))
        overview.append((school_class, entries))
    return overview
