"""#17 section 1: questionnaires about counseling itself (the session evaluation, laiseg).

They are offered only to the student whose session ended, for that session, on their home
until answered or expired; a student without such a session never sees them, a homeroom
teacher never does, and no share kit carries them."""

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.assessments import services
from cyberbk.assessments.models import EvaluationInvitation
from cyberbk.assessments.models import Response
from cyberbk.booking.models import BookingStatus
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db
from tests import factories
from tests import test_assessments as helpers
from tests.test_booking import make_booking
from tests.test_booking import record_data


@pytest.fixture
def evaluation(school):
    return give_evaluation(school)


def give_evaluation(school, anonymous=False):
    instruments = services.ensure_builtin_instruments()
    db.session.commit()
    return helpers.give(instruments["evaluasi-sesi"], [school["class_a"]], anonymous=anonymous)


_minutes_ago = itertools.count(10, 40)


def session_of(school, student=None):
    """A confirmed chat session of siswa.a (or `student`) with guru.a that has started."""
    starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=next(_minutes_ago))
    return make_booking(student or school["student_a"], school["counselor"],
                        status=BookingStatus.CONFIRMED, starts_at=starts_at)


def counselor_ends(client, auth, booking):
    auth.login("guru.a")
    response = client.post(f"/konseling/{booking.id}/selesai", follow_redirects=True)
    auth.logout()
    return response.get_data(as_text=True)


def invitations():
    return db.session.scalars(sa.select(EvaluationInvitation)
                              .order_by(EvaluationInvitation.id)).all()


def answer(client, administration):
    """Every required question answered with its first option, then sent."""
    slug = administration.slug
    for number, section in enumerate(administration.instrument.sections, 1):
        data = {f"q{item.id}": "0" for item in section.items if item.type.is_choice}
        assert client.post(f"/asesmen/{slug}/bagian/{number}", data=data).status_code == 303
    return client.post(f"/asesmen/{slug}/kirim")


# --- the student whose session ended ------------------------------------------------------

def test_student_whose_session_ended_is_invited_on_their_home_until_they_answer(
        client, auth, school, evaluation):
    booking = session_of(school)
    assert "siswa dapat mengevaluasi" not in counselor_ends(client, auth, booking)
    [invitation] = invitations()
    assert (invitation.student_id, invitation.booking_id) == (school["student_a"].id, booking.id)
    auth.login("siswa.a")
    assert evaluation.slug in client.get("/siswa").get_data(as_text=True)
    assert evaluation.slug in client.get(f"/konseling/{booking.id}").get_data(as_text=True)
    assert answer(client, evaluation).status_code == 303
    db.session.refresh(invitation)
    assert invitation.answered
    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.invitation_id == invitation.id and response.user_id == school["student_a"].id
    assert evaluation.slug not in client.get("/siswa").get_data(as_text=True)
    assert "Jawabanmu sudah terkirim." in client.get(f"/asesmen/{evaluation.slug}"
                                                     ).get_data(as_text=True)


def test_each_session_is_evaluated_on_its_own(client, auth, school, evaluation):
    first, second = session_of(school), session_of(school)
    for booking in (first, second):
        counselor_ends(client, auth, booking)
    auth.login("siswa.a")
    for _session in (first, second):
        assert evaluation.slug in client.get("/siswa").get_data(as_text=True)
        assert answer(client, evaluation).status_code == 303
    assert evaluation.slug not in client.get("/siswa").get_data(as_text=True)
    answered = db.session.scalars(sa.select(Response.invitation_id)
                                  .where(Response.submitted_at.is_not(None))
                                  .order_by(Response.invitation_id)).all()
    assert answered == [invitation.id for invitation in invitations()]


def test_a_session_ended_by_its_session_record_invites_its_student_too(
        client, auth, school, evaluation):
    booking = session_of(school)
    auth.login("guru.a")
    assert client.post(f"/bk/kasus/{booking.case.id}/catatan?jadwal={booking.id}",
                       data=record_data()).status_code == 303
    [invitation] = invitations()
    assert invitation.booking_id == booking.id


def test_the_invitation_expires(client, auth, school, evaluation):
    counselor_ends(client, auth, session_of(school))
    [invitation] = invitations()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login("siswa.a")
    assert evaluation.slug not in client.get("/siswa").get_data(as_text=True)
    assert client.get(f"/asesmen/{evaluation.slug}").status_code == 404


def test_an_anonymous_evaluation_marks_only_its_invitation_answered(client, auth, school):
    evaluation = give_evaluation(school, anonymous=True)
    for _session in range(2):
        counselor_ends(client, auth, session_of(school))
    auth.login("siswa.a")
    for _session in range(2):
        assert answer(client, evaluation).status_code == 303
    assert [invitation.answered for invitation in invitations()] == [True, True]
    responses = db.session.scalars(sa.select(Response)
                                   .where(Response.submitted_at.is_not(None))).all()
    assert len(responses) == 2
    assert all(r.user_id is None and r.invitation_id is None for r in responses)


# --- everyone else ------------------------------------------------------------------------

def test_student_without_a_session_never_sees_the_session_evaluation(client, auth, school,
                                                                   evaluation):
    """A session marked done some other way (or before the evaluation was opened) invites
    nobody, and neither does a classmate's session."""
    make_booking(school["student_a"], school["counselor"], status=BookingStatus.DONE,
                 starts_at=(utcnow() - timedelta(hours=2)).replace(microsecond=0))
    auth.login("siswa.a")
    assert evaluation.slug not in client.get("/siswa").get_data(as_text=True)
    assert evaluation.slug not in client.get("/asesmen/").get_data(as_text=True)
    assert client.get(f"/asesmen/{evaluation.slug}").status_code == 404
    assert client.get(f"/asesmen/{evaluation.slug}/bagian/1").status_code == 404
    assert client.post(f"/asesmen/{evaluation.slug}/kirim").status_code == 404
    assert invitations() == []


def test_a_classmates_session_invites_only_that_classmate(client, auth, school, evaluation):
    classmate = factories.make_user(Role.STUDENT, "siswa.a2", "Teman A",
                                    school_class=school["class_a"])
    counselor_ends(client, auth, session_of(school, classmate))
    auth.login("siswa.a")
    assert evaluation.slug not in client.get("/siswa").get_data(as_text=True)
    assert client.get(f"/asesmen/{evaluation.slug}").status_code == 404


def test_homeroom_teacher_never_sees_the_session_evaluation(client, auth, school, evaluation):
    counselor_ends(client, auth, session_of(school))
    auth.login("siswa.a")
    answer(client, evaluation)
    auth.logout()
    auth.login("wali.a")
    assert evaluation.title not in client.get("/wali/asesmen").get_data(as_text=True)
    home = client.get("/wali").get_data(as_text=True)
    assert "Kotak masalah" in home
    assert evaluation.slug not in home and evaluation.title not in home  # nor the share kit
    assert client.get(f"/wali/asesmen/{evaluation.id}/kelas/{school['class_a'].id}"
                      ).status_code == 404
    assert client.get(f"/asesmen/{evaluation.slug}").status_code == 404
    assert evaluation.slug not in client.get("/asesmen/").get_data(as_text=True)


def test_logged_out_visitor_cannot_answer_an_evaluation(client, school):
    administration = give_evaluation(school, anonymous=True)
    code = services.class_link_code(administration, school["class_a"])
    assert client.get(f"/asesmen/{administration.slug}/k/{code}").status_code == 302
    assert client.get(f"/asesmen/{administration.slug}").status_code == 302
