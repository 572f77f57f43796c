"""Every booking route, for every role: who gets in, who gets 403 (wrong role) and who
gets 404 (someone else's booking, case or hours, so their existence does not leak)."""

from datetime import time

import pytest

from cyberbk.accounts.models import Role
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import ParentRequest
from cyberbk.booking.models import Referral
from cyberbk.booking.models import WeeklyHours
from cyberbk.booking.services import slots
from cyberbk.common.schooltime import local_today
from cyberbk.extensions import db
from tests import factories
from tests.test_booking import make_booking

PEOPLE = {None: None, "student_a": Role.STUDENT, "student_b": Role.STUDENT,
          "homeroom_a": Role.HOMEROOM, "homeroom_b": Role.HOMEROOM,
          "counselor": Role.COUNSELOR, "counselor_b": Role.COUNSELOR, "admin": Role.ADMIN}
STUDENT, HOMEROOM, COUNSELOR = Role.STUDENT, Role.HOMEROOM, Role.COUNSELOR
ANYONE = "anyone"

# (method, path, who may enter, status per person; people of that role not listed get 200)
ROUTES = [
    ("GET", "/jadwal/saya", STUDENT, {}),
    ("POST", "/jadwal/isi", STUDENT, {"student_a": 400, "student_b": 400}),
    ("GET", "/jadwal/{booking}", STUDENT, {"student_b": 404}),
    ("POST", "/jadwal/{booking}/batal", STUDENT, {"student_a": 303, "student_b": 404}),
    ("GET", "/jadwal/{booking}/pindah", STUDENT, {"student_b": 404}),
    ("POST", "/jadwal/{booking}/pindah", STUDENT, {"student_a": 400, "student_b": 404}),
    ("POST", "/jadwal/{booking}/kesediaan", STUDENT, {"student_a": 400, "student_b": 404}),
    ("GET", "/jadwal/{booking}/kalender.ics", STUDENT, {"student_b": 404}),
    ("GET", "/jadwal/orang-tua", ANYONE, {}),
    ("POST", "/jadwal/orang-tua", ANYONE, {p: 400 for p in PEOPLE}),
    ("GET", "/jadwal/orang-tua/terkirim", ANYONE, {}),
    ("GET", "/bk/jadwal", COUNSELOR, {}),
    ("GET", "/bk/jadwal/jam", COUNSELOR, {}),
    ("POST", "/bk/jadwal/jam/lama", COUNSELOR, {"counselor": 400, "counselor_b": 400}),
    ("POST", "/bk/jadwal/jam/tambah", COUNSELOR, {"counselor": 400, "counselor_b": 400}),
    ("POST", "/bk/jadwal/jam/{hours}/hapus", COUNSELOR, {"counselor": 303, "counselor_b": 404}),
    ("POST", "/bk/jadwal/libur", COUNSELOR, {"counselor": 400, "counselor_b": 400}),
    ("POST", "/bk/jadwal/slot-tambahan", COUNSELOR, {"counselor": 400, "counselor_b": 400}),
    ("POST", "/bk/jadwal/pengecualian/{exception}/hapus", COUNSELOR,
     {"counselor": 303, "counselor_b": 404}),
    ("GET", "/bk/jadwal/{booking}", COUNSELOR, {"counselor_b": 404}),
    # Confirmed already: refused, back to the booking with the reason.
    ("POST", "/bk/jadwal/{booking}/konfirmasi", COUNSELOR, {"counselor": 303, "counselor_b": 404}),
    ("POST", "/bk/jadwal/{booking}/tolak", COUNSELOR, {"counselor": 400, "counselor_b": 404}),
    ("GET", "/bk/jadwal/{booking}/pindah", COUNSELOR, {"counselor_b": 404}),
    ("POST", "/bk/jadwal/{booking}/pindah", COUNSELOR, {"counselor": 400, "counselor_b": 404}),
    ("GET", "/bk/jadwal/{booking}/kalender.ics", COUNSELOR, {"counselor_b": 404}),
    ("GET", "/bk/jadwal/orang-tua", COUNSELOR, {}),
    ("POST", "/bk/jadwal/orang-tua/{parent}/selesai", COUNSELOR,
     {"counselor": 303, "counselor_b": 303}),
    ("GET", "/bk/kasus", COUNSELOR, {}),
    ("GET", "/bk/kasus/{case}", COUNSELOR, {"counselor_b": 404}),
    ("GET", "/bk/kasus/{case}/catatan", COUNSELOR, {"counselor_b": 404}),
    ("POST", "/bk/kasus/{case}/catatan", COUNSELOR, {"counselor": 400, "counselor_b": 404}),
    ("POST", "/bk/kasus/{case}/tutup", COUNSELOR, {"counselor": 400, "counselor_b": 404}),
    ("POST", "/bk/kasus/{case}/alihkan", COUNSELOR, {"counselor": 400, "counselor_b": 404}),
    ("GET", "/bk/kasus/rujukan", COUNSELOR, {}),
    ("GET", "/bk/kasus/rujukan/{referral}", COUNSELOR, {}),
    ("POST", "/bk/kasus/rujukan/{referral}", COUNSELOR, {"counselor": 400, "counselor_b": 400}),
    ("GET", "/wali/rujukan", HOMEROOM, {}),
    ("POST", "/wali/rujukan", HOMEROOM, {"homeroom_a": 400, "homeroom_b": 400}),
]


@pytest.fixture
def world(school):
    """A confirmed booking of siswa.a with guru.a (and its case), a referral from wali.a,
    a parent request, and guru.a's hours and a holiday."""
    counselor = school["counselor"]
    booking = make_booking(school["student_a"], counselor, status=BookingStatus.CONFIRMED)
    hours = WeeklyHours(counselor_id=counselor.id, weekday=0, start_time=time(8),
                        end_time=time(9))
    referral = Referral(student_id=school["student_a"].id, referrer_id=school["homeroom_a"].id,
                        reason="ALASAN-RUJUKAN-RAHASIA")
    parent = ParentRequest(parent_name="Ibu", child_name="Anak", class_name="7A",
                           whatsapp="6281234567890", preferred_times="pagi", topic="topik")
    db.session.add_all([hours, referral, parent])
    db.session.commit()
    closed = slots.add_closed_period(counselor, local_today(),
                                     local_today())
    db.session.commit()
    return {"booking": booking.id, "case": booking.case_id, "hours": hours.id,
            "referral": referral.id, "parent": parent.id, "exception": closed.id}


def expected_status(method, who, role, overrides):
    if who is None:
        return overrides.get(None, 200) if role == ANYONE else 302
    if role != ANYONE and PEOPLE[who] != role:
        return 403
    return overrides.get(who, 200)


@pytest.mark.parametrize("method,path,role,overrides", ROUTES,
                         ids=[f"{m} {p}" for m, p, _r, _o in ROUTES])
def test_role_and_ownership_checks(app, school, world, method, path, role, overrides):
    """Each person in turn, on a fresh client; only the owner's request changes anything,
    so the order of people does not change what the others get."""
    results, wanted = {}, {}
    for who in PEOPLE:
        client = app.test_client()
        if who:
            client.post("/login", data={"username": school[who].username,
                                        "password": factories.PASSWORD})
        response = client.open(path.format(**world), method=method)
        results[who] = response.status_code
        wanted[who] = expected_status(method, who, role, overrides)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
    assert results == wanted


@pytest.mark.parametrize("who,status,location", [
    (None, 200, None), ("student_a", 200, None), ("homeroom_a", 302, "/wali/rujukan"),
    ("counselor", 302, "/bk/jadwal"), ("admin", 200, None),
])
def test_the_shared_link_sends_each_role_where_it_books(client, auth, school, who, status,
                                                         location):
    if who:
        auth.login(school[who].username)
    response = client.get("/jadwal")
    assert response.status_code == status
    if location:
        assert response.headers["Location"] == location


@pytest.mark.parametrize("who", ["homeroom_a", "admin", "counselor_b", "student_b"])
def test_no_content_reaches_people_outside_the_case(client, auth, school, world, who):
    auth.login(school[who].username)
    for path in ("/wali", "/wali/rujukan", "/bk", "/bk/jadwal", "/bk/kasus", "/siswa",
                 "/jadwal/saya", "/admin/"):
        page = client.get(path).get_data(as_text=True)
        assert "Aku dirundung" not in page and "ALASAN-RUJUKAN-RAHASIA" not in page
