"""The counselor's sessions and referrals out, counted per week for the programme's hours
sheet (signals.logged_services): only how many, never whose."""

import sqlalchemy as sa

from ...common import signals
from ...extensions import db
from ..models import CounselingCase
from ..models import Outcome
from ..models import SessionRecord


def _per_week(column, weeks, *conditions):
    week = sa.case(*((column < end, index) for index, (_start, end) in enumerate(weeks[:-1])),
                   else_=len(weeks) - 1)
    inner = (sa.select(week.label("week"))
             .where(column >= weeks[0][0], column < weeks[-1][1], *conditions).subquery())
    # Over a subquery: PostgreSQL sees a CASE repeated in GROUP BY, with parameters of its
    # own, as a different expression.
    return db.session.execute(sa.select(inner.c.week, sa.func.count())
                              .group_by(inner.c.week)).all()


@signals.logged_services.connect
def sessions_and_referrals(counselor, weeks):
    """Session records the counselor wrote (konseling perorangan) and the cases they closed
    by referring the student on (alih tangan kasus), per week."""
    sessions = _per_week(SessionRecord.held_at, weeks,
                         SessionRecord.counselor_id == counselor.id)
    referrals = _per_week(CounselingCase.closed_at, weeks,
                          CounselingCase.counselor_id == counselor.id,
                          CounselingCase.outcome == Outcome.REFERRAL)
    return ([("individual", week, n) for week, n in sessions]
            + [("referral", week, n) for week, n in referrals])
