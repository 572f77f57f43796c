"""Slot generation: weekly hours in the school's zone, slot length, holidays and leave,
extra slots, bookings, notice, and the counselor's forms that set them."""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest

from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import WeeklyHours
from cyberbk.booking.services import bookings
from cyberbk.booking.services import rules
from cyberbk.booking.services import slots as slot_services
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests.test_booking import make_booking

MONDAY = date(2026, 3, 2)
# Friday before the week, 00:00 UTC: every slot of the week lies ahead.
BEFORE = datetime(2026, 2, 27)


def hours(counselor, weekday, start, end):
    db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=weekday, start_time=start,
                               end_time=end))
    db.session.commit()


def starts(slots):
    return [slot.starts_at for slot in slots]


@pytest.fixture
def counselor(school):
    counselor = school["counselor"]
    for weekday in range(5):
        hours(counselor, weekday, time(8), time(10))
    return counselor


def test_week_of_weekday_hours_in_jakarta_time(app, counselor):
    slots = slot_services.free_slots([counselor.id], MONDAY, 7, now=BEFORE)
    # 08:00-10:00 WIB is 01:00-03:00 UTC: four 30-minute slots a day, none at the weekend.
    assert len(slots) == 20
    assert starts(slots)[:4] == [datetime(2026, 3, 2, 1, 0), datetime(2026, 3, 2, 1, 30),
                                 datetime(2026, 3, 2, 2, 0), datetime(2026, 3, 2, 2, 30)]
    assert slots[0].ends_at == datetime(2026, 3, 2, 1, 30)
    assert {s.starts_at.date() for s in slots} == {MONDAY + timedelta(days=d) for d in range(5)}


def test_slot_length_decides_how_many_fit(app, counselor):
    slot_services.set_slot_minutes(counselor, 45)
    monday = slot_services.free_slots([counselor.id], MONDAY, 1, now=BEFORE)
    # 08:00, 08:45; a third slot would end at 10:15, after the counselor's hours.
    assert starts(monday) == [datetime(2026, 3, 2, 1, 0), datetime(2026, 3, 2, 1, 45)]


def test_holiday_and_leave_remove_slots(app, counselor):
    slot_services.add_closed_period(counselor, date(2026, 3, 3), date(2026, 3, 4), note="Libur")
    slot_services.add_closed_period(counselor, date(2026, 3, 6), date(2026, 3, 6),
                                    from_time=time(9), note="Izin")
    slots = slot_services.free_slots([counselor.id], MONDAY, 7, now=BEFORE)
    days = [s.starts_at.date() for s in slots]
    assert days.count(date(2026, 3, 3)) == 0 and days.count(date(2026, 3, 4)) == 0
    assert days.count(date(2026, 3, 2)) == 4 and days.count(date(2026, 3, 5)) == 4
    assert [s.starts_at for s in slots if s.starts_at.date() == date(2026, 3, 6)] == [
        datetime(2026, 3, 6, 1, 0), datetime(2026, 3, 6, 1, 30)]


def test_whole_local_days_are_closed_not_utc_days(app, counselor):
    hours(counselor, 0, time(6), time(7))
    slot_services.add_closed_period(counselor, MONDAY, MONDAY)
    slots = slot_services.free_slots([counselor.id], MONDAY - timedelta(days=1), 2, now=BEFORE)
    # 06:00 WIB Monday is Sunday 23:00 UTC: it belongs to the closed local Monday.
    assert slots == []


def test_extra_slot_adds_one_slot_on_a_free_day(app, counselor):
    slot_services.add_extra_slot(counselor, date(2026, 3, 7), time(10, 0), "Sabtu")
    saturday = slot_services.free_slots([counselor.id], date(2026, 3, 7), 1, now=BEFORE)
    assert starts(saturday) == [datetime(2026, 3, 7, 3, 0)]
    assert saturday[0].ends_at == datetime(2026, 3, 7, 3, 30)


def test_extra_slot_inside_a_holiday_is_not_offered(app, counselor):
    slot_services.add_extra_slot(counselor, date(2026, 3, 7), time(10, 0))
    slot_services.add_closed_period(counselor, date(2026, 3, 7), date(2026, 3, 7))
    assert slot_services.free_slots([counselor.id], date(2026, 3, 7), 1, now=BEFORE) == []


def test_active_bookings_take_slots_and_ended_ones_give_them_back(app, school, counselor):
    taken = datetime(2026, 3, 2, 1, 30)
    make_booking(school["student_a"], counselor, starts_at=taken)
    make_booking(school["student_b"], counselor, starts_at=datetime(2026, 3, 2, 2, 0),
                 status=BookingStatus.DECLINED)
    monday = starts(slot_services.free_slots([counselor.id], MONDAY, 1, now=BEFORE))
    assert taken not in monday
    assert datetime(2026, 3, 2, 2, 0) in monday and len(monday) == 3


def test_slots_starting_too_soon_are_not_offered(app, counselor):
    app.config["BOOKING_MIN_NOTICE_MINUTES"] = 60
    now = datetime(2026, 3, 2, 0, 45)  # 07:45 WIB
    monday = starts(slot_services.free_slots([counselor.id], MONDAY, 1, now=now))
    assert monday == [datetime(2026, 3, 2, 2, 0), datetime(2026, 3, 2, 2, 30)]


def test_other_zone_and_its_clock_change(app, counselor):
    app.config["CYBERBK_TIMEZONE"] = "Europe/Amsterdam"
    # The week of 23 March 2026 has the switch to summer time on Sunday 29 March.
    hours(counselor, 6, time(8), time(9))
    slots = slot_services.free_slots([counselor.id], date(2026, 3, 23), 7,
                                     now=datetime(2026, 3, 20))
    monday = [s for s in slots if s.starts_at.date() == date(2026, 3, 23)]
    sunday = [s for s in slots if s.starts_at.date() == date(2026, 3, 29)]
    assert starts(monday)[0] == datetime(2026, 3, 23, 7, 0)   # 08:00 CET
    assert starts(sunday)[0] == datetime(2026, 3, 29, 6, 0)   # 08:00 CEST
    assert len(slots) == 5 * 4 + 2


def test_any_counselor_shows_each_time_once(app, school, counselor):
    for weekday in range(5):
        hours(school["counselor_b"], weekday, time(9), time(11))
    groups = slot_services.slot_choices(None, MONDAY, 1, now=BEFORE)
    [(day, items)] = groups
    assert day == MONDAY
    labels = [choice.starts_at.strftime("%H:%M") for choice in items]
    assert labels == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]
    assert all(choice.key.startswith("any@") for choice in items)
    assert slot_services.counselors_free_at(datetime(2026, 3, 2, 2, 0), now=BEFORE) == sorted(
        [counselor.id, school["counselor_b"].id])


@pytest.mark.parametrize("value,expected", [
    ("12@20260302T0100", (12, datetime(2026, 3, 2, 1, 0))),
    ("any@20260302T0100", (None, datetime(2026, 3, 2, 1, 0))),
    ("12@2026-03-02", None), ("x@20260302T0100", None), ("", None), ("12", None),
])
def test_slot_keys_round_trip_and_reject_garbage(value, expected):
    assert slot_services.parse_slot_key(value) == expected


def test_booking_a_slot_outside_the_hours_is_refused(app, school, counselor):
    with pytest.raises(rules.SlotTaken):
        bookings.book(counselor.id, datetime(2026, 3, 2, 5, 0), Mode.CHAT,
                      student=school["student_a"], now=BEFORE)


# The counselor's availability page.

def test_counselor_adds_and_removes_weekly_hours(client, auth, school):
    auth.login("guru.a")
    assert client.get("/bk/jadwal/jam").status_code == 200
    response = client.post("/bk/jadwal/jam/tambah",
                           data={"jam-weekday": "2", "jam-start": "13:00", "jam-end": "15:00"})
    assert response.status_code == 303
    [row] = slot_services.weekly_hours(school["counselor"])
    assert (row.weekday, row.start_time, row.end_time) == (2, time(13), time(15))
    overlapping = client.post("/bk/jadwal/jam/tambah", follow_redirects=True,
                              data={"jam-weekday": "2", "jam-start": "14:00", "jam-end": "16:00"})
    assert overlapping.request.path == "/bk/jadwal/jam"
    assert "bertumpuk" in overlapping.get_data(as_text=True)
    backwards = client.post("/bk/jadwal/jam/tambah", follow_redirects=True,
                            data={"jam-weekday": "3", "jam-start": "15:00", "jam-end": "13:00"})
    assert "Jam selesai harus sesudah jam mulai." in backwards.get_data(as_text=True)
    assert len(slot_services.weekly_hours(school["counselor"])) == 1
    assert client.post(f"/bk/jadwal/jam/{row.id}/hapus").status_code == 303
    assert slot_services.weekly_hours(school["counselor"]) == []


def test_counselor_cannot_remove_someone_elses_hours(client, auth, school):
    hours(school["counselor_b"], 0, time(8), time(9))
    [row] = slot_services.weekly_hours(school["counselor_b"])
    auth.login("guru.a")
    assert client.post(f"/bk/jadwal/jam/{row.id}/hapus").status_code == 404
    assert slot_services.weekly_hours(school["counselor_b"]) != []


def test_counselor_sets_slot_length_holidays_and_extra_slots(client, auth, school):
    auth.login("guru.a")
    assert client.post("/bk/jadwal/jam/lama", data={"lama-minutes": "45"}).status_code == 303
    assert slot_services.slot_minutes(school["counselor"].id) == 45
    assert client.post("/bk/jadwal/jam/lama", data={"lama-minutes": "7"}).status_code == 400
    for backwards in ({"libur-first_day": "2030-01-02", "libur-last_day": "2030-01-01"},
                      {"libur-first_day": "2030-01-02", "libur-from_time": "12:00",
                       "libur-until_time": "11:00"}):
        refused = client.post("/bk/jadwal/libur", data=backwards)
        assert refused.status_code == 303 and refused.headers["Location"] == "/bk/jadwal/jam"
        assert "Akhir libur atau izin harus sesudah awalnya." in client.get(
            "/bk/jadwal/jam").get_data(as_text=True)
    assert slot_services.upcoming_exceptions(school["counselor"]) == []
    assert client.post("/bk/jadwal/libur", data={
        "libur-first_day": "2030-01-01", "libur-note": "Tahun baru"}).status_code == 303
    assert client.post("/bk/jadwal/slot-tambahan", data={
        "ekstra-day": "2030-01-05", "ekstra-start": "09:00"}).status_code == 303
    closed, extra = slot_services.upcoming_exceptions(school["counselor"])
    assert (closed.starts_at, closed.ends_at) == (datetime(2029, 12, 31, 17, 0),
                                                  datetime(2030, 1, 1, 17, 0))
    assert (extra.starts_at, extra.ends_at) == (datetime(2030, 1, 5, 2, 0),
                                                datetime(2030, 1, 5, 2, 45))
    page = client.get("/bk/jadwal/jam").get_data(as_text=True)
    assert "Tahun baru" in page
    assert client.post(f"/bk/jadwal/pengecualian/{closed.id}/hapus").status_code == 303
    assert slot_services.upcoming_exceptions(school["counselor"]) == [extra]
