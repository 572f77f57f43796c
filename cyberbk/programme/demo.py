"""The demo's programme: drafted from the demo classes' AKPD, with a few services of this
month logged, so the hours sheet has numbers."""

from datetime import datetime
from datetime import time
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..assessments.models import Answer
from ..assessments.models import Response
from ..common import signals
from ..common.schooltime import local_today
from ..common.schooltime import to_utc
from ..extensions import db
from ..outreach.models import ServiceComponent
from . import drafting
from . import services
from .models import Activity
from .models import ActivityKind
from .models import Semester


def seed():
    counselor = db.session.scalar(sa.select(User).where(User.role == Role.COUNSELOR)
                                  .order_by(User.id))
    db.session.flush()
    drafting.draft(services.current_year(), drafting.DEFAULT_THRESHOLD, counselor)
    db.session.flush()
    first = local_today().replace(day=1)
    # Two rows of layanan dasar of this semester planned for this month, so the month's
    # report compares what was held with what was planned.
    semester = Semester.ODD if first.month >= 7 else Semester.EVEN
    basic = [row for row in services.rows_of(services.current_year())
             if row.component == ServiceComponent.BASIC and row.semester == semester][:2]
    for row in basic:
        row.month = first.month
    delivers = iter(basic + basic)
    for day, kind, jp in ((1, ActivityKind.CLASSICAL, 2), (2, ActivityKind.CLASSICAL, 2),
                          (3, ActivityKind.HOME_VISIT, 2), (8, ActivityKind.CLASSICAL, 2),
                          (9, ActivityKind.GROUP_COUNSELING, 2),
                          (10, ActivityKind.CONSULTATION, 2)):
        held_on = first + timedelta(days=day - 1)
        if held_on <= local_today():
            row = next(delivers, None) if kind == ActivityKind.CLASSICAL else None
            db.session.add(Activity(counselor_id=counselor.id, kind=kind, held_on=held_on,
                                    jp=jp, note="Contoh data demo",
                                    row_id=row.id if row else None))
    laiseg(counselor, first, basic[0] if basic else None)


#: What six students of 7A answered to the demo's laiseg (understanding, comfort, action).
LAISEG_ANSWERS = ((3, 3, 2), (2, 3, 2), (3, 2, 3), (2, 2, 1), (3, 3, 3), (2, 3, 2))


def laiseg(counselor, first, row):
    """A classical service for 7A on the month's first day, with its laiseg closed and
    answered by six students, so the report has figures."""
    school_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "7A"))
    if school_class is None:
        return
    activity = Activity(counselor_id=counselor.id, kind=ActivityKind.CLASSICAL, held_on=first,
                        jp=2, class_id=school_class.id, note="Contoh data demo: laiseg",
                        row_id=row.id if row and row.class_id == school_class.id else None)
    administration = signals.answer(signals.laiseg_opened, counselor,
                                    title=f"Laiseg: contoh ({first:%d-%m-%Y})",
                                    class_id=school_class.id)
    start = to_utc(datetime.combine(first, time(9)))
    administration.opens_at, administration.closes_at = start, start + timedelta(minutes=30)
    activity.laiseg_id = administration.id
    db.session.add(activity)
    items = administration.instrument.items
    for choices in LAISEG_ANSWERS:
        response = Response(administration=administration, is_anonymous=True,
                            class_id=school_class.id,
                            submitted_at=start.replace(hour=0, minute=0, second=0))
        response.answers = [Answer(item_id=item.id, choice=choice)
                            for item, choice in zip(items, choices)]
        db.session.add(response)
