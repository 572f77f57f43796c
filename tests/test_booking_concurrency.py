"""Two requests for the same slot at the same moment: the database picks exactly one.

Both requests are held at a barrier after the app's own "is it free?" check, so both
reach the INSERT; only the unique index on (counselor, start) can then stop one.
"""

import threading

import pytest
import sqlalchemy as sa

from cyberbk.booking.models import Booking
from cyberbk.booking.services import bookings
from cyberbk.booking.services import rules
from cyberbk.booking.services import slots
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests import factories
from tests.test_booking import first_free_slot
from tests.test_booking import intake_data
from tests.test_booking import open_all_week


@pytest.fixture
def race(monkeypatch):
    """Let both contenders pass the free-slot check before either of them inserts."""
    barrier = threading.Barrier(2, timeout=20)
    real = slots.find_free_slot

    def checked_then_wait(*args, **kwargs):
        slot = real(*args, **kwargs)
        barrier.wait()
        return slot

    monkeypatch.setattr(slots, "find_free_slot", checked_then_wait)
    return barrier


def run_together(*jobs):
    results = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job()
        except Exception as error:  # the test inspects what each contender got
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def booking_rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(Booking)).all()


def test_two_threads_booking_one_slot_exactly_one_wins(app, school, race):
    open_all_week(school["counselor"])
    slot = first_free_slot(school["counselor"])
    students = [school["student_a"].id, school["student_b"].id]

    def contender(student_id):
        def job():
            with app.app_context():
                from cyberbk.accounts.models import User

                student = db.session.get(User, student_id)
                booking = bookings.book(slot.counselor_id, slot.starts_at, Mode.CHAT,
                                        student=student)
                db.session.commit()
                return booking.id
        return job

    results = run_together(*(contender(student_id) for student_id in students))
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, rules.SlotTaken)]
    assert len(winners) == 1 and len(losers) == 1, results
    [row] = booking_rows()
    assert row.id == winners[0] and row.starts_at == slot.starts_at


def test_two_students_posting_the_same_slot_one_gets_a_clear_message(app, school, race):
    open_all_week(school["counselor"])
    slot = first_free_slot(school["counselor"])
    key = slots.slot_key(slot.counselor_id, slot.starts_at)
    clients = []
    for username in ("siswa.a", "siswa.b"):
        client = app.test_client()
        client.post("/login", data={"username": username, "password": factories.PASSWORD})
        clients.append(client)

    def post(client):
        return lambda: client.post("/jadwal/isi", data=intake_data(key))

    responses = run_together(*(post(client) for client in clients))
    codes = sorted(response.status_code for response in responses)
    assert codes == [303, 409], codes
    loser = next(r for r in responses if r.status_code == 409)
    assert "baru saja diambil orang lain. Pilih waktu lain" in loser.get_data(as_text=True)
    assert len(booking_rows()) == 1


def test_the_database_refuses_a_second_active_booking_of_a_slot(app, school):
    """Even code that skips the app's checks cannot put two bookings in one slot."""
    from datetime import datetime
    from datetime import timedelta

    from sqlalchemy.exc import IntegrityError

    starts_at = datetime(2030, 1, 7, 1, 0)
    for student in (school["student_a"], school["student_b"]):
        db.session.add(Booking(student_id=student.id, counselor_id=school["counselor"].id,
                               starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30),
                               mode=Mode.CHAT))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
