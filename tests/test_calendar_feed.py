"""The counselor's agenda as a calendar feed at a private, revocable address (issue 19 §2)."""

import re
from datetime import timedelta

from icalendar import Calendar

from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import CalendarFeed
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests.test_booking import PROBLEM_TEXT
from tests.test_booking import make_booking


def new_address(client):
    page = client.post("/bk/jadwal/kalender").get_data(as_text=True)
    return re.search(r'value="http://localhost(/kalender/[^"]+\.ics)"', page).group(1)


def test_ics_feed_holds_no_student_name(client, auth, school):
    student = school["student_a"]
    confirmed = make_booking(student, school["counselor"], status=BookingStatus.CONFIRMED,
                             mode=Mode.VIDEO)
    make_booking(student, school["counselor"], status=BookingStatus.PENDING,
                 starts_at=confirmed.starts_at + timedelta(hours=2))
    make_booking(school["student_b"], school["counselor_b"], status=BookingStatus.CONFIRMED)
    auth.login("guru.a")
    address = new_address(client)
    auth.logout()
    # A phone calendar has no session: the address alone opens the feed.
    response = client.get(address)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Sesi konseling (video)"]
    assert events[0].decoded("DTSTART").replace(tzinfo=None) == confirmed.starts_at
    for private in (student.full_name, student.username, "7A", PROBLEM_TEXT[:20]):
        assert private not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_revoked_feed_url_answers_404(client, auth, school):
    make_booking(school["student_a"], school["counselor"], status=BookingStatus.CONFIRMED)
    auth.login("guru.a")
    first = new_address(client)
    second = new_address(client)
    # A new address replaces the old one: the old stops at once.
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.post("/bk/jadwal/kalender/hapus").status_code == 303
    assert client.get(second).status_code == 404
    assert db.session.query(CalendarFeed).count() == 0
    assert client.get("/kalender/tebakan.ics").status_code == 404


def test_the_address_is_shown_once_and_kept_only_as_a_digest(client, auth, school):
    auth.login("guru.a")
    address = new_address(client)
    token = address.removeprefix("/kalender/").removesuffix(".ics")
    feed = db.session.get(CalendarFeed, school["counselor"].id)
    assert token not in feed.token_digest and len(feed.token_digest) == 64
    page = client.get("/bk/jadwal/kalender").get_data(as_text=True)
    assert token not in page and "Buat alamat baru" in page
    assert "Nama siswa dan masalahnya tidak pernah ada di sana" in page


def test_a_deactivated_counselors_feed_closes(client, auth, school):
    auth.login("guru.a")
    address = new_address(client)
    school["counselor"].is_active_account = False
    db.session.commit()
    assert client.get(address).status_code == 404


def test_the_feed_leaves_out_old_sessions(client, auth, school):
    make_booking(school["student_a"], school["counselor"], status=BookingStatus.CONFIRMED,
                 starts_at=(utcnow() - timedelta(days=30)).replace(microsecond=0))
    auth.login("guru.a")
    assert Calendar.from_ical(client.get(new_address(client)).data).walk("VEVENT") == []
