"""Unread counts and what the homes show of live sessions."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from ...accounts.models import Role
from ...booking.models import Booking
from ...booking.models import BookingStatus
from ...common import signals
from ...common.links import path_for
from ...common.schooltime import day_bounds
from ...common.schooltime import local_today
from ...common.schooltime import utcnow
from ...common.vocabulary import ONLINE_MODES
from ...extensions import db
from ...problembox.models import ProblemMessage
from ..models import ChatMessage
from ..models import ChatRoom
from .rooms import LIVE_STATUSES
from .rules import Side


def _unread_in_booking(side):
    """Correlated count of the other side's messages in a booking's chat, unread by `side`."""
    read = ChatRoom.student_read_id if side == Side.STUDENT else ChatRoom.counselor_read_id
    return (sa.select(sa.func.count(ChatMessage.id))
            .join(ChatRoom, ChatRoom.id == ChatMessage.room_id)
            .where(ChatRoom.booking_id == Booking.id,
                   ChatMessage.from_counselor.is_(side == Side.STUDENT), ChatMessage.id > read)
            .correlate(Booking).scalar_subquery())


@dataclass
class LiveSession:
    booking: Booking
    unread: int


def student_overview(student):
    """For the student's home: online sessions that are on or have unread messages (a
    session's evaluation is among the student's questionnaires there)."""
    unread = _unread_in_booking(Side.STUDENT)
    rows = db.session.execute(
        sa.select(Booking, unread)
        .where(Booking.student_id == student.id, Booking.mode.in_(ONLINE_MODES),
               sa.or_(sa.and_(Booking.status == BookingStatus.CONFIRMED,
                              Booking.ends_at > utcnow() - timedelta(days=1)),
                      sa.and_(Booking.status == BookingStatus.DONE, unread > 0)))
        .order_by(Booking.starts_at)).all()
    return {"sessions": [LiveSession(booking, count) for booking, count in rows]}


def counselor_overview(counselor):
    """For the counselor's home: today's online sessions and any chat waiting for an answer,
    with the problem-box threads whose live chat has unread messages."""
    unread = _unread_in_booking(Side.COUNSELOR)
    today_start, today_end = day_bounds(local_today())
    rows = db.session.execute(
        sa.select(Booking, unread)
        .where(Booking.counselor_id == counselor.id, Booking.mode.in_(ONLINE_MODES),
               Booking.status.in_(LIVE_STATUSES),
               sa.or_(sa.and_(Booking.status == BookingStatus.CONFIRMED,
                              Booking.starts_at >= today_start, Booking.starts_at < today_end),
                      unread > 0))
        .order_by(unread.desc(), Booking.starts_at)).all()
    threads = db.session.execute(
        sa.select(ChatRoom.report_id, sa.func.count(ProblemMessage.id))
        .join(ProblemMessage, ProblemMessage.report_id == ChatRoom.report_id)
        .where(ProblemMessage.from_counselor.is_(False),
               ProblemMessage.id > ChatRoom.counselor_read_id)
        .group_by(ChatRoom.report_id).order_by(ChatRoom.report_id)).all()
    sessions = [LiveSession(booking, count) for booking, count in rows]
    return {"sessions": sessions, "threads": threads,
            "unread": sum(s.unread for s in sessions) + sum(count for _id, count in threads)}


@signals.home_page.connect
def home_part(user):
    if user.role == Role.STUDENT:
        return {"chats": student_overview(user)}
    if user.role == Role.COUNSELOR:
        return {"chats": counselor_overview(user)}
    return {}


@signals.unread_chats.connect
def unread_for_counselors(_app, older_than):
    """Booking chats where a student's message of the last day has waited unread by the
    counselor since before `older_than`: the counselor is not in the room."""
    rows = db.session.execute(
        sa.select(Booking.id, Booking.counselor_id)
        .join(ChatRoom, ChatRoom.booking_id == Booking.id)
        .join(ChatMessage, ChatMessage.room_id == ChatRoom.id)
        .where(Booking.status.in_(LIVE_STATUSES), ChatRoom.ended_at.is_(None),
               ChatMessage.from_counselor.is_(False),
               ChatMessage.id > ChatRoom.counselor_read_id,
               ChatMessage.created_at < older_than,
               ChatMessage.created_at >= older_than - timedelta(days=1))
        .group_by(Booking.id, Booking.counselor_id).order_by(Booking.id)).all()
    return [(counselor_id, f"chat:{booking_id}", path_for("chat.show", booking_id=booking_id))
            for booking_id, counselor_id in rows]


@signals.waiting_counts.connect
def waiting_part(user):
    if user.acting_role != Role.COUNSELOR:
        return {}
    return {"unread_chats": counselor_overview(user)["unread"]}


@signals.day_summary.connect
def day_part(counselor):
    return {"unread_chats": counselor_overview(counselor)["unread"]}

