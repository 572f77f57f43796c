"""The counselor's session records and the cases closed by a referral, as services held
(signals.services_held) for the hours sheet, the programme and its laporan: what, when,
by whom and the programme row, never whose."""

from datetime import datetime
from datetime import time

import sqlalchemy as sa

from ...casebook.models import OutwardReferral
from ...common import signals
from ...common.schooltime import to_local
from ...common.schooltime import to_utc
from ...common.vocabulary import HeldService
from ...extensions import db
from ..models import CounselingCase
from ..models import Outcome
from ..models import SessionRecord


def utc_bounds(first, end):
    return to_utc(datetime.combine(first, time())), to_utc(datetime.combine(end, time()))


@signals.services_held.connect
def sessions_and_referrals(_sender, first, end, counselor_id, linked_only):
    """Session records (konseling perorangan), each delivering the row it was linked to;
    cases closed by referring the student on (alih tangan kasus), unless a referral letter
    of the case was sent: the case book counts that one, on the day it was sent."""
    start, stop = utc_bounds(first, end)
    records = sa.select(SessionRecord.held_at, SessionRecord.counselor_id,
                        SessionRecord.programme_row_id).where(
        SessionRecord.held_at >= start, SessionRecord.held_at < stop)
    if counselor_id is not None:
        records = records.where(SessionRecord.counselor_id == counselor_id)
    if linked_only:
        records = records.where(SessionRecord.programme_row_id.is_not(None))
    held = [HeldService("individual", to_local(held_at).date(), who, row_id)
            for held_at, who, row_id in db.session.execute(records)]
    if linked_only:
        return held
    letter_sent = sa.exists().where(OutwardReferral.case_id == CounselingCase.id,
                                    OutwardReferral.sent_on.is_not(None))
    closed = sa.select(CounselingCase.closed_at, CounselingCase.counselor_id).where(
        CounselingCase.closed_at >= start, CounselingCase.closed_at < stop,
        CounselingCase.outcome == Outcome.REFERRAL, ~letter_sent)
    if counselor_id is not None:
        closed = closed.where(CounselingCase.counselor_id == counselor_id)
    return held + [HeldService("referral", to_local(closed_at).date(), who, None)
                   for closed_at, who in db.session.execute(closed)]
