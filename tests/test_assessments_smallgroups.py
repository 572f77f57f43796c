"""#17 section 1: class views and exports never reveal one student. Each "Seen" of the
issue, replayed: homeroom pages, share kits and anonymous exports show groups of at least
MIN_GROUP_SIZE respondents (and cells of at least that many), nothing while a
questionnaire is open, and no list of who has not answered an anonymous one (the evaluation of
counseling: tests/test_assessments_evaluations.py)."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Gender
from cyberbk.accounts.models import Role
from cyberbk.assessments import services
from cyberbk.assessments.models import Participation
from cyberbk.assessments.models import Response
from cyberbk.booking.models import BookingStatus
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db
from tests import factories
from tests import test_assessments as helpers
from tests.test_booking import make_booking

LIKERT = {"title": "Skala kecil", "sections": [{"code": None, "title": "Satu", "items": [
    {"type": "likert4", "text": "Saya nyaman bercerita?"}]}]}

def closed_times():
    now = utcnow()
    return {"opens": now - timedelta(days=3), "closes": now - timedelta(hours=1)}


@pytest.fixture
def class_of_eight(school):
    """7A with eight students (siswa.a and seven more), as in the issue."""
    students = [school["student_a"]] + [
        factories.make_user(Role.STUDENT, f"siswa.a{n}", f"Teman {n}",
                            school_class=school["class_a"],
                            gender=Gender.MALE if n % 2 else Gender.FEMALE) for n in range(1, 8)]
    return students


def given_to_7a(school, answers, anonymous=False, closed=True, genders=None):
    """A one-item Likert questionnaire for 7A answered with `answers` (option per student)."""
    instrument = helpers.make_instrument(LIKERT)
    administration = helpers.give(instrument, [school["class_a"]], anonymous=anonymous,
                                  **(closed_times() if closed else {}))
    item = instrument.items[0]
    for n, choice in enumerate(answers):
        gender = genders[n] if genders else "L"
        helpers.add_response(administration, None, [(item, choice)],
                             school_class=school["class_a"], gender=gender)
    return administration


def homeroom_page(client, auth, school, administration):
    auth.login("wali.a")
    return client.get(f"/wali/asesmen/{administration.id}/kelas/{school['class_a'].id}")


# --- homeroom teacher: groups, cells, closing --------------------------------------------

def test_homeroom_teacher_cannot_see_a_group_of_four(client, auth, school, class_of_eight):
    administration = given_to_7a(school, [3, 3, 2, 0])
    page = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    assert "Belum cukup jawaban untuk ditampilkan" in page
    assert "rata-rata" not in page and "as-bars" not in page


def test_homeroom_teacher_sees_a_group_of_five_but_not_an_option_one_student_chose(
        client, auth, school, class_of_eight):
    administration = given_to_7a(school, [3, 3, 3, 3, 3, 0])
    page = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    assert "6 siswa mengirim jawaban." in page
    assert "5 · 83%" in page
    # The one "Sangat tidak setuju" is "fewer than 5", never "1 · 17%"; nor is the mean
    # shown, from which it would follow.
    assert "1 · 17%" not in page and "kurang dari 5" in page
    assert "dari 4" not in page and "3,5" not in page


def test_homeroom_teacher_sees_nothing_of_an_open_questionnaire(client, auth, school,
                                                                 class_of_eight):
    """Seen: reading the page before and after one student answered gave that answer."""
    administration = given_to_7a(school, [3, 3, 3, 3, 3, 2], closed=False)
    before = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    helpers.add_response(administration, None, [(administration.instrument.items[0], 0)],
                         school_class=school["class_a"], gender="L")
    after = client.get(f"/wali/asesmen/{administration.id}/kelas/{school['class_a'].id}"
                       ).get_data(as_text=True)
    for page in (before, after):
        assert "setelah angket ditutup" in page
        assert "rata-rata" not in page and "as-bars" not in page


def test_homeroom_gender_breakdown_needs_every_gender_to_be_large_enough(
        client, auth, school, class_of_eight):
    small = given_to_7a(school, [3] * 7, genders="LLLLLPP")
    page = homeroom_page(client, auth, school, small).get_data(as_text=True)
    assert "7 siswa mengirim jawaban." in page
    assert "Laki-laki" not in page and "Perempuan" not in page
    large = given_to_7a(school, [3] * 10, genders="LLLLLPPPPP")
    page = client.get(f"/wali/asesmen/{large.id}/kelas/{school['class_a'].id}"
                      ).get_data(as_text=True)
    assert "Laki-laki" in page and "Perempuan" in page


def test_homeroom_page_keeps_small_groups_back_at_the_configured_size(app, client, auth,
                                                                       school, class_of_eight):
    app.config["MIN_GROUP_SIZE"] = 3
    administration = given_to_7a(school, [3, 3, 3])
    page = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    assert "3 siswa mengirim jawaban." in page


# --- the counselor, on anonymous questionnaires -------------------------------------------

def counselor_results(client, auth, administration, **filters):
    auth.login("guru.a")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = client.get(f"/bk/asesmen/{administration.id}/hasil?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_counselor_filter_on_anonymous_results_hides_a_group_of_one(client, auth, school,
                                                                    class_of_eight):
    """Seen: filtering an anonymous questionnaire by gender showed the one girl's answers."""
    administration = given_to_7a(school, [3, 3, 3, 3, 3, 0], anonymous=True,
                                 genders="LLLLLP")
    for gender in ("P", "L"):  # the boys' figures would give hers too, as the difference
        page = counselor_results(client, auth, administration, jk=gender)
        assert "Belum cukup jawaban untuk ditampilkan" in page
        assert "siswa mengirim jawaban" not in page and "as-bars" not in page
    page = client.get(f"/bk/asesmen/{administration.id}/hasil").get_data(as_text=True)
    assert "6 siswa mengirim jawaban." in page
    assert '<h2 id="per-jk">Per jenis kelamin</h2><p>Belum cukup jawaban' in page


def test_counselor_class_filter_on_anonymous_results_needs_every_class_large_enough(
        client, auth, school, class_of_eight):
    administration = given_to_7a(school, [3] * 6, anonymous=True)
    helpers.add_response(administration, None, [(administration.instrument.items[0], 0)],
                         school_class=school["class_b"], gender="L")
    page = counselor_results(client, auth, administration, kelas=school["class_a"].id)
    assert "Belum cukup jawaban untuk ditampilkan" in page and "6 siswa" not in page
    page = client.get(f"/bk/asesmen/{administration.id}/hasil").get_data(as_text=True)
    assert "7 siswa mengirim jawaban." in page
    assert '<h2 id="per-kelas">Per kelas</h2><p>Belum cukup jawaban' in page


def test_counselor_sees_an_anonymous_group_of_five_and_every_filter_of_a_named_one(
        client, auth, school, class_of_eight):
    anonymous = given_to_7a(school, [3] * 10, anonymous=True, genders="LLLLLPPPPP")
    page = counselor_results(client, auth, anonymous, jk="P")
    assert "5 siswa mengirim jawaban." in page and "Belum cukup" not in page
    named = given_to_7a(school, [3, 3, 3, 3, 3, 0], genders="LLLLLP")
    page = client.get(f"/bk/asesmen/{named.id}/hasil?jk=P").get_data(as_text=True)
    assert "1 siswa mengirim jawaban." in page


def test_comparison_of_anonymous_questionnaires_hides_a_class_of_one(client, auth, school,
                                                                     class_of_eight):
    instrument = helpers.make_instrument(LIKERT)
    pair = [helpers.give(instrument, [school["class_a"], school["class_b"]], anonymous=True,
                         **closed_times()) for _n in range(2)]
    item = instrument.items[0]
    for administration in pair:
        for school_class, answers in ((school["class_a"], 6), (school["class_b"], 1)):
            for _n in range(answers):
                helpers.add_response(administration, None, [(item, 3)],
                                     school_class=school_class, gender="L")
    auth.login("guru.a")
    url = f"/bk/asesmen/bandingkan?sebelum={pair[0].id}&sesudah={pair[1].id}"
    page = client.get(f"{url}&kelas={school['class_b'].id}").get_data(as_text=True)
    assert "Belum cukup jawaban untuk ditampilkan" in page and "(1 siswa)" not in page
    assert "(7 siswa)" in client.get(url).get_data(as_text=True)


def test_counselor_class_profile_leaves_out_an_anonymous_questionnaire_of_a_small_class(
        client, auth, school):
    administration = given_to_7a(school, [3, 3], anonymous=True)
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/kelas/{school['class_a'].id}").get_data(as_text=True)
    assert administration.title not in page


# --- who has not answered -----------------------------------------------------------------

def test_nobody_sees_who_has_not_answered_an_anonymous_questionnaire(client, auth, school,
                                                                     class_of_eight):
    """Seen: "1 dari 8 siswa sudah mengisi" beside the names of the seven others."""
    administration = given_to_7a(school, [3], anonymous=True, closed=False)
    db.session.add(Participation(administration_id=administration.id,
                                 user_id=class_of_eight[0].id))
    db.session.commit()
    homeroom = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    auth.logout()
    auth.login("guru.a")
    counselor = client.get(f"/bk/asesmen/{administration.id}").get_data(as_text=True)
    for page in (homeroom, counselor):
        assert "Teman 1" not in page and "Siswa A" not in page


def test_homeroom_teacher_still_sees_who_has_not_answered_a_named_questionnaire(
        client, auth, school, class_of_eight):
    administration = given_to_7a(school, [], closed=False)
    page = homeroom_page(client, auth, school, administration).get_data(as_text=True)
    assert "Teman 1" in page


# --- anonymous answers: the mark, drafts, class links -------------------------------------

def test_an_anonymous_draft_of_a_logged_in_student_carries_no_user(client, auth, school):
    """Seen (section 3): an anonymous questionnaire draft carried user_id until submit."""
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]], anonymous=True)
    auth.login("siswa.a")
    first = instrument.sections[0]
    client.post(f"/asesmen/{administration.slug}/bagian/1",
                data={f"q{item.id}": "1" for item in first.items})
    draft = db.session.scalar(sa.select(Response))
    assert draft is not None and draft.user_id is None and draft.draft_key
    assert draft.class_id == school["class_a"].id
    assert helpers.answer_all(client, administration, instrument).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert db.session.get(Participation, (administration.id, school["student_a"].id))
    assert client.get(f"/asesmen/{administration.slug}/bagian/1").status_code == 409


def test_the_has_answered_mark_keeps_no_order_to_pair_with_responses(app):
    """A rowid would number the marks in the order they were written, as the responses'
    ids do: the table has none."""
    sql = db.session.scalar(sa.text(
        "SELECT sql FROM sqlite_master WHERE name = 'assessment_participations'"))
    assert "WITHOUT ROWID" in sql.upper()
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("assessment_participations")}
    assert columns == {"administration_id", "user_id"}


def test_logged_out_visitor_answers_only_through_a_class_link(client, school):
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]],
                                  anonymous=True)
    page = client.get(f"/asesmen/{administration.slug}").get_data(as_text=True)
    assert "tautan kelasmu" in page and "Mulai mengisi" not in page
    assert client.post(f"/asesmen/{administration.slug}/k/salah/mulai").status_code == 404
    code = services.class_link_code(administration, school["class_a"])
    assert "7A" in client.get(f"/asesmen/{administration.slug}/k/{code}").get_data(
        as_text=True)
    assert client.post(f"/asesmen/{administration.slug}/k/{code}/mulai",
                       data={"school_class": school["class_a"].id}).status_code == 303
    assert db.session.scalar(sa.select(Response.class_id)) == school["class_a"].id


def test_a_class_link_takes_no_more_answers_than_the_class_has_students(app, browser,
                                                                         school):
    """Seen: a logged-out script stuffed five responses into class 7A (one student)."""
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]],
                                  anonymous=True)
    code = services.class_link_code(administration, school["class_a"])
    url = f"/asesmen/{administration.slug}/k/{code}/mulai"
    statuses = [browser(f"203.0.113.{n}").post(url, data={}).status_code for n in range(5)]
    assert statuses == [303, 409, 409, 409, 409]
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_a_class_link_has_its_own_rate_limit(app, browser, school, class_of_eight):
    app.config["ASSESSMENT_CLASS_LINK_LIMIT"] = "2 per hour"
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]],
                                  anonymous=True)
    code = services.class_link_code(administration, school["class_a"])
    url = f"/asesmen/{administration.slug}/k/{code}/mulai"
    statuses = [browser(f"203.0.113.{n}").post(url, data={}).status_code for n in range(3)]
    assert statuses == [303, 303, 429]


def test_homeroom_teacher_is_given_the_class_link_of_an_anonymous_questionnaire(
        client, auth, school):
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]],
                                  anonymous=True)
    auth.login("wali.a")
    code = services.class_link_code(administration, school["class_a"])
    assert f"/asesmen/{administration.slug}/k/{code}" in client.get(
        "/wali/asesmen").get_data(as_text=True)


def share_kit_of(client, auth):
    auth.login("wali.a")
    return client.get("/wali").get_data(as_text=True)


def test_share_kit_gives_one_link_per_class(client, auth, school):
    """Seen: the share kit gave the plain link, so answers without signing in skipped the
    class link and its limit."""
    class_c = factories.make_class("7C", homeroom=school["homeroom_a"])
    administration = helpers.give(helpers.make_instrument(), [school["class_a"], class_c],
                                  anonymous=True)
    kit = share_kit_of(client, auth)
    for school_class in (school["class_a"], class_c):
        code = services.class_link_code(administration, school_class)
        assert f"Angket: {administration.title} (kelas {school_class.name})" in kit
        assert kit.count(f"/asesmen/{administration.slug}/k/{code}") >= 2  # message and link
    plain = f"/asesmen/{administration.slug}"
    assert f"{plain}<" not in kit and f'{plain}"' not in kit


def test_share_kit_gives_one_link_for_all_classes_to_a_named_questionnaire(client, auth,
                                                                            school):
    class_c = factories.make_class("7C", homeroom=school["homeroom_a"])
    administration = helpers.give(helpers.make_instrument(), [school["class_a"], class_c])
    kit = share_kit_of(client, auth)
    assert kit.count(f">Angket: {administration.title}</h3>") == 1
    assert f'/asesmen/{administration.slug}"' in kit and "/k/" not in kit


# --- exports of anonymous questionnaires --------------------------------------------------

def export_rows(client, auth, administration):
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{administration.id}/ekspor.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_anonymous_export_has_no_class_or_gender_for_small_groups_and_no_times(
        client, auth, school):
    """Seen: one row per respondent with class and gender."""
    administration = given_to_7a(school, [3, 2, 1], anonymous=True, genders="LPL")
    rows = export_rows(client, auth, administration)
    assert rows[0][:2] == ["No", "1.1 Saya nyaman bercerita?"]
    assert not {"Kelas", "Jenis kelamin", "Dikirim"} & set(rows[0])
    assert len(rows) == 4


def test_anonymous_export_shows_class_but_not_gender_when_only_genders_are_small(
        client, auth, school):
    administration = given_to_7a(school, [3] * 6, anonymous=True, genders="LLLLLP")
    header = export_rows(client, auth, administration)[0]
    assert "Kelas" in header and "Jenis kelamin" not in header and "Dikirim" not in header


def test_anonymous_export_rows_are_in_random_order(client, auth, school):
    instrument = helpers.make_instrument({"title": "Teks", "sections": [{
        "code": None, "title": "Satu", "items": [{"type": "short_text", "text": "Apa?"}]}]})
    administration = helpers.give(instrument, [school["class_a"]], anonymous=True)
    for n in range(30):
        helpers.add_response(administration, None, [(instrument.items[0], f"jawaban {n:02}")],
                             school_class=school["class_a"])
    texts = [row[-1] for row in export_rows(client, auth, administration)[1:]]
    assert sorted(texts) == [f"jawaban {n:02}" for n in range(30)]
    assert texts != sorted(texts)


def test_a_database_copy_cannot_match_an_anonymous_draft_to_its_session(app):
    """The token sits in the session row (with the user id while logged in); the draft
    keeps only a keyed digest of it, which needs the secret key to compute."""
    token = "contoh-token"
    stored = services.draft_key_for(token)
    assert stored != hashlib.sha256(token.encode()).hexdigest()
    app.config["SECRET_KEY"] = "another-key"
    assert services.draft_key_for(token) != stored
