"""Group commit of booking chat messages (cyberbk/chat/writer.py): messages queued together
share one durable transaction, and a resent message is still stored only once."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from cyberbk.booking.models import BookingStatus
from cyberbk.chat.models import ChatMessage
from cyberbk.chat.services import messaging
from cyberbk.chat.services import rooms
from cyberbk.chat.services import rules
from cyberbk.chat.writer import Pending
from cyberbk.extensions import db
from tests.test_chat import booking  # noqa: F401
from tests.test_chat import make_booking  # noqa: F401


@pytest.fixture
def room(app, school, booking):  # noqa: F811
    room = rooms.get_room(booking_id=booking.id)
    db.session.commit()
    return room


@pytest.fixture
def commits(app):
    """How many transactions were committed on the engine."""
    counted = []
    listener = lambda connection: counted.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    yield counted
    event.remove(db.engine, "commit", listener)


def pending(room, body, ref=None, sender=None):
    return Pending({"room_id": room.id, "sender_id": sender, "from_counselor": False,
                    "body": body, "client_ref": ref})


def stored_bodies():
    return db.session.scalars(sa.select(ChatMessage.body).order_by(ChatMessage.id)).all()


def test_a_batch_is_stored_in_one_transaction_in_order(app, room, commits):
    batch = [pending(room, f"pesan {n}", ref=f"r{n}") for n in range(5)]
    app.extensions["chat_writer"].write(batch)
    assert len(commits) == 1
    assert all(item.done and item.new and item.error is None for item in batch)
    ids = [item.row.id for item in batch]
    assert ids == sorted(ids)
    assert [item.row.body for item in batch] == [f"pesan {n}" for n in range(5)]
    assert stored_bodies() == [f"pesan {n}" for n in range(5)]


def test_the_same_message_twice_in_one_batch_is_stored_once(app, room):
    first, twin = pending(room, "halo", ref="sama"), pending(room, "halo", ref="sama")
    app.extensions["chat_writer"].write([first, twin])
    assert first.new and not twin.new
    assert twin.row.id == first.row.id
    assert stored_bodies() == ["halo"]


def test_a_resend_is_found_and_the_rest_of_its_batch_stored(app, room):
    app.extensions["chat_writer"].write([pending(room, "sudah ada", ref="lama")])
    resent, other, plain = (pending(room, "sudah ada", ref="lama"),
                            pending(room, "baru", ref="baru"), pending(room, "tanpa ref"))
    app.extensions["chat_writer"].write([resent, other, plain])
    assert not resent.new and other.new and plain.new
    assert stored_bodies() == ["sudah ada", "baru", "tanpa ref"]


def test_a_failed_batch_fails_every_message_in_it_and_stores_none(app, room):
    batch = [pending(room, "a"), pending(room, "b", sender=999_999)]  # no such account
    app.extensions["chat_writer"].write(batch)
    assert all(item.done and item.error is not None for item in batch)
    assert stored_bodies() == []


def test_store_waits_for_no_one_when_alone(app, room):
    row, new = app.extensions["chat_writer"].store(pending(room, "sendiri", ref="s").values)
    assert new and row.body == "sendiri"
    assert app.extensions["chat_writer"].queue == []


def socket_seat(booking, user, side=rules.Side.STUDENT):  # noqa: F811
    return messaging.SocketSeat(booking.id, user.id, user.session_nonce, side)


def test_a_sockets_seat_is_checked_in_the_write_for_each_message_of_the_batch(
        app, school, booking, room):  # noqa: F811
    student, counselor = school["student_a"], school["counselor"]
    fine = Pending(rooms.message_values(None, student.id, rules.Side.STUDENT, "boleh", "a"),
                   socket_seat(booking, student))
    stranger = Pending(
        rooms.message_values(None, school["student_b"].id, rules.Side.STUDENT, "x", "b"),
        socket_seat(booking, school["student_b"]))
    wrong_side = Pending(
        rooms.message_values(None, counselor.id, rules.Side.STUDENT, "y", "c"),
        socket_seat(booking, counselor, rules.Side.STUDENT))
    app.extensions["chat_writer"].write([fine, stranger, wrong_side])
    assert fine.new and fine.row.room_id == room.id and fine.refused is None
    assert stranger.refused == "signed_out" and stranger.row is None
    assert wrong_side.refused == "signed_out"
    assert stored_bodies() == ["boleh"]


def test_a_sign_out_or_a_closed_session_refuses_the_sockets_next_message(
        app, school, booking, room):  # noqa: F811
    student = school["student_a"]
    seat = socket_seat(booking, student)
    student.end_sessions()
    db.session.commit()
    signed_out = Pending(rooms.message_values(None, student.id, seat.side, "a", None), seat)
    app.extensions["chat_writer"].write([signed_out])
    assert signed_out.refused == "signed_out"
    booking.status = BookingStatus.DONE
    db.session.commit()
    ended = Pending(rooms.message_values(None, student.id, seat.side, "b", None),
                    socket_seat(booking, student))
    app.extensions["chat_writer"].write([ended])
    assert ended.refused == "ended"
    assert stored_bodies() == []
