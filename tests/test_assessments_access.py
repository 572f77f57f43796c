"""Who may open which assessment page, and the counselor's instrument editor."""

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.assessments import services
from cyberbk.assessments.models import Administration
from cyberbk.assessments.models import Instrument
from cyberbk.assessments.models import ItemType
from cyberbk.audit.models import AuditEntry
from cyberbk.extensions import db
from tests import factories
from tests import test_assessments as helpers

ROLES = ["student_a", "homeroom_a", "counselor", "admin"]


@pytest.fixture
def given(school):
    """An instrument given to 7A, with the answers of siswa.a."""
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert = instrument.items[0]
    text = instrument.items[-1]
    helpers.add_response(administration, school["student_a"], [(likert, 3),
                                                               (text, "rahasia siswa")])
    return {"instrument": instrument, "administration": administration,
            "section": instrument.sections[0], "item": likert}


def counselor_gets(given, school):
    aid, iid = given["administration"].id, given["instrument"].id
    sid, item_id = given["section"].id, given["item"].id
    return [
        "/bk/asesmen", f"/bk/asesmen/{aid}", f"/bk/asesmen/{aid}/hasil",
        f"/bk/asesmen/{aid}/siswa/{school['student_a'].id}", f"/bk/asesmen/{aid}/ekspor.xlsx",
        f"/bk/asesmen/{aid}/ekspor.csv", "/bk/asesmen/bandingkan",
        f"/bk/asesmen/kelas/{school['class_a'].id}", "/bk/asesmen/berikan",
        "/bk/asesmen/instrumen/baru", f"/bk/asesmen/instrumen/{iid}",
        f"/bk/asesmen/instrumen/{iid}/pratinjau", f"/bk/asesmen/instrumen/{iid}/pratinjau/2",
        f"/bk/asesmen/instrumen/{iid}/bagian/{sid}", f"/bk/asesmen/instrumen/{iid}/butir/{item_id}",
    ]


def counselor_posts(given):
    aid, iid = given["administration"].id, given["instrument"].id
    sid, item_id = given["section"].id, given["item"].id
    return [
        "/bk/asesmen/berikan", f"/bk/asesmen/{aid}/tanggal", f"/bk/asesmen/{aid}/hapus",
        "/bk/asesmen/instrumen/baru", f"/bk/asesmen/instrumen/{iid}/ubah",
        f"/bk/asesmen/instrumen/{iid}/bagian", f"/bk/asesmen/instrumen/{iid}/bagian/{sid}/butir",
        f"/bk/asesmen/instrumen/{iid}/bagian/{sid}/geser/turun",
        f"/bk/asesmen/instrumen/{iid}/bagian/{sid}/hapus",
        f"/bk/asesmen/instrumen/{iid}/butir/{item_id}/geser/turun",
        f"/bk/asesmen/instrumen/{iid}/butir/{item_id}/hapus",
        f"/bk/asesmen/instrumen/{iid}/gandakan", f"/bk/asesmen/instrumen/{iid}/hapus",
    ]


@pytest.mark.parametrize("person", ROLES)
def test_counselor_pages_are_for_counselors_only(client, auth, school, given, person):
    auth.login(school[person].username)
    for url in counselor_gets(given, school):
        response = client.get(url)
        expected = 200 if person == "counselor" else 403
        # Instruments already given are read-only: their item and section forms say so.
        if person == "counselor" and ("/butir/" in url or "/bagian/" in url):
            expected = 409
        assert response.status_code == expected, url
    if person != "counselor":
        for url in counselor_posts(given):
            assert client.post(url).status_code == 403, url


def test_logged_out_visitors_are_sent_to_login_from_staff_pages(client, school, given):
    for url in counselor_gets(given, school) + [
            "/wali/asesmen", f"/wali/asesmen/{given['administration'].id}/kelas/1"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next=")
    for url in counselor_posts(given):
        assert client.post(url).status_code == 302, url


@pytest.mark.parametrize("person", ROLES)
def test_homeroom_pages_are_for_homeroom_teachers_only(client, auth, school, given, person):
    auth.login(school[person].username)
    aid, class_id = given["administration"].id, school["class_a"].id
    expected = 200 if person == "homeroom_a" else 403
    assert client.get("/wali/asesmen").status_code == expected
    assert client.get(f"/wali/asesmen/{aid}/kelas/{class_id}").status_code == expected


def test_homeroom_teacher_sees_own_class_aggregates_and_who_has_not_answered(client, auth,
                                                                             school, given):
    auth.login("wali.a")
    aid = given["administration"].id
    page = client.get(f"/wali/asesmen/{aid}/kelas/{school['class_a'].id}").get_data(as_text=True)
    assert "1 dari 1 siswa sudah mengisi." in page
    # Open, and one respondent: no class results yet (tests/test_assessments_smallgroups.py).
    assert "rata-rata" not in page
    # Aggregates only: no written answers, no link to one student's answers, no export.
    assert "rahasia siswa" not in page
    assert "/siswa/" not in page and "ekspor" not in page
    listing = client.get("/wali/asesmen").get_data(as_text=True)
    assert f"/wali/asesmen/{aid}/kelas/{school['class_a'].id}" in listing


def test_homeroom_teacher_of_another_class_gets_403(client, auth, school, given):
    auth.login("wali.b")
    aid = given["administration"].id
    assert client.get(f"/wali/asesmen/{aid}/kelas/{school['class_a'].id}").status_code == 403


def test_homeroom_class_outside_the_audience_is_404(client, auth, school, given):
    auth.login("wali.b")
    aid = given["administration"].id
    assert client.get(f"/wali/asesmen/{aid}/kelas/{school['class_b'].id}").status_code == 404


def test_homeroom_home_shows_class_completion(client, auth, school, given):
    auth.login("wali.a")
    page = client.get("/wali").get_data(as_text=True)
    assert given["administration"].title in page and "1 dari 1 sudah mengisi" in page


def test_counselor_home_shows_open_administrations_with_completion(client, auth, school, given):
    auth.login("guru.a")
    page = client.get("/bk").get_data(as_text=True)
    assert given["administration"].title in page and "1 dari 1 siswa sudah mengisi" in page


def test_one_students_answers_are_for_counselors_and_audited(client, auth, school, given):
    url = f"/bk/asesmen/{given['administration'].id}/siswa/{school['student_a'].id}"
    auth.login("guru.a")
    page = client.get(url).get_data(as_text=True)
    assert "rahasia siswa" in page and "Jawaban Siswa A" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "read"))
    assert entry.target_type == "assessment_response"
    assert "rahasia" not in entry.summary
    auth.logout()
    auth.login("siswa.a")
    assert client.get(url).status_code == 403


def test_student_sees_only_own_answers(client, auth, school, given):
    slug = given["administration"].slug
    auth.login("siswa.a")
    assert "rahasia siswa" in client.get(f"/asesmen/{slug}/ringkasan").get_data(as_text=True)
    auth.logout()
    other = factories.make_user(Role.STUDENT, "siswa.c", school_class=school["class_a"])
    auth.login(other.username)
    summary = client.get(f"/asesmen/{slug}/ringkasan")
    assert summary.status_code == 302
    assert "rahasia siswa" not in client.get(f"/asesmen/{slug}").get_data(as_text=True)


def test_anonymous_answers_cannot_be_opened_one_by_one(client, auth, school):
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]], anonymous=True)
    helpers.add_response(administration, school["student_a"], [])
    auth.login("guru.a")
    assert client.get(f"/bk/asesmen/{administration.id}/siswa/"
                      f"{school['student_a'].id}").status_code == 404
    assert "Jawaban per siswa" not in client.get(
        f"/bk/asesmen/{administration.id}").get_data(as_text=True)


# --- editor --------------------------------------------------------------------------

@pytest.fixture
def draft_instrument(school):
    instrument = services.instrument_from_data({"title": "Baru", "sections": [
        {"title": "Satu", "items": [{"type": "yesno", "text": "Pertama?"},
                                    {"type": "yesno", "text": "Kedua?"}]},
        {"title": "Dua", "items": []}]})
    db.session.add(instrument)
    db.session.commit()
    return instrument


def test_counselor_creates_an_instrument(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/asesmen/instrumen/baru", data={"title": "Minat baca"})
    assert response.status_code == 303
    instrument = db.session.scalar(sa.select(Instrument).where(Instrument.title == "Minat baca"))
    assert [s.title for s in instrument.sections] == ["Bagian 1"]
    assert client.post("/bk/asesmen/instrumen/baru", data={"title": ""}).status_code == 400


def test_adding_an_item_with_htmx_returns_the_editor_fragment(client, auth, draft_instrument):
    auth.login("guru.a")
    section = draft_instrument.sections[1]
    prefix = f"s{section.id}-"
    response = client.post(
        f"/bk/asesmen/instrumen/{draft_instrument.id}/bagian/{section.id}/butir",
        data={prefix + "type": "single", prefix + "text": "Pilih satu",
              prefix + "options": "Ya sekali\nTidak juga", prefix + "required": "y"},
        headers={"HX-Request": "true", "HX-Target": "editor"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" not in page and 'id="editor"' in page and "Pilih satu" in page
    (item,) = section.items
    assert (item.type, item.options, item.required) == (ItemType.SINGLE,
                                                        ["Ya sekali", "Tidak juga"], True)


def test_adding_an_item_without_javascript_redirects_back(client, auth, draft_instrument):
    auth.login("guru.a")
    section = draft_instrument.sections[1]
    prefix = f"s{section.id}-"
    response = client.post(
        f"/bk/asesmen/instrumen/{draft_instrument.id}/bagian/{section.id}/butir",
        data={prefix + "type": "likert5", prefix + "text": "Skala lima"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#bagian-{section.id}")
    assert section.items[0].options[2] == "Ragu-ragu"


def test_bad_item_shows_the_message_in_the_fragment_with_400(client, auth, draft_instrument):
    auth.login("guru.a")
    section = draft_instrument.sections[1]
    prefix = f"s{section.id}-"
    response = client.post(
        f"/bk/asesmen/instrumen/{draft_instrument.id}/bagian/{section.id}/butir",
        data={prefix + "type": "single", prefix + "text": "Satu pilihan",
              prefix + "options": "hanya satu"},
        headers={"HX-Request": "true", "HX-Target": "editor"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<html" not in page and "Tulis paling sedikit dua pilihan" in page
    assert "data-swap-errors" in page


def test_items_and_sections_are_reordered_and_removed(client, auth, draft_instrument):
    auth.login("guru.a")
    iid = draft_instrument.id
    first, second = draft_instrument.sections[0].items
    htmx = {"HX-Request": "true", "HX-Target": "editor"}
    assert client.post(f"/bk/asesmen/instrumen/{iid}/butir/{first.id}/geser/turun",
                       headers=htmx).status_code == 200
    db.session.expire_all()
    assert [i.text for i in draft_instrument.sections[0].items] == ["Kedua?", "Pertama?"]
    assert client.post(f"/bk/asesmen/instrumen/{iid}/butir/{first.id}/geser/ke-mana",
                       ).status_code == 404
    assert client.post(f"/bk/asesmen/instrumen/{iid}/butir/{second.id}/hapus"
                       ).status_code == 303
    db.session.expire_all()
    assert [(i.text, i.position) for i in draft_instrument.sections[0].items] == [("Pertama?", 0)]
    last = draft_instrument.sections[1]
    client.post(f"/bk/asesmen/instrumen/{iid}/bagian/{last.id}/geser/naik")
    db.session.expire_all()
    assert [s.title for s in draft_instrument.sections] == ["Dua", "Satu"]
    client.post(f"/bk/asesmen/instrumen/{iid}/bagian/{last.id}/hapus")
    db.session.expire_all()
    assert [s.title for s in draft_instrument.sections] == ["Satu"]


def test_item_and_section_edit_pages_save(client, auth, draft_instrument):
    auth.login("guru.a")
    iid = draft_instrument.id
    section = draft_instrument.sections[0]
    item = section.items[0]
    response = client.post(f"/bk/asesmen/instrumen/{iid}/butir/{item.id}",
                           data={"type": "likert4", "text": "Diubah", "required": "y"})
    assert response.status_code == 303
    response = client.post(f"/bk/asesmen/instrumen/{iid}/bagian/{section.id}",
                           data={"title": "Bidang belajar", "code": "bel"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (item.text, item.type, len(item.options)) == ("Diubah", ItemType.LIKERT4, 4)
    assert (section.title, section.code) == ("Bidang belajar", "BEL")
    response = client.post(f"/bk/asesmen/instrumen/{iid}/bagian/{section.id}",
                           data={"title": "x", "code": "terlalu panjang"})
    assert response.status_code == 400


def test_duplicate_copies_every_item_and_builtin_instruments_are_locked(client, auth, school):
    builtin = services.ensure_builtin_instruments()["pemahaman-bk"]
    db.session.commit()
    auth.login("guru.a")
    locked = client.post(f"/bk/asesmen/instrumen/{builtin.id}/bagian",
                         data={"bagian-title": "Tambahan"})
    assert locked.status_code == 409
    assert "Gandakan" in locked.get_data(as_text=True)
    response = client.post(f"/bk/asesmen/instrumen/{builtin.id}/gandakan")
    assert response.status_code == 303
    copy = db.session.scalar(sa.select(Instrument).where(Instrument.builtin_key.is_(None)))
    assert copy.title.startswith("Salinan")
    assert [i.text for i in copy.items] == [i.text for i in builtin.items]
    assert not services.is_locked(copy)
    assert client.post(f"/bk/asesmen/instrumen/{copy.id}/bagian",
                       data={"bagian-title": "Tambahan"}).status_code == 303


def test_preview_shows_the_section_as_a_student_sees_it(client, auth, draft_instrument):
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/instrumen/{draft_instrument.id}/pratinjau")
    text = page.get_data(as_text=True)
    assert "Pratinjau" in text and "Bagian 1 dari 2" in text and "Pertama?" in text
    assert client.get(f"/bk/asesmen/instrumen/{draft_instrument.id}/pratinjau/3"
                      ).status_code == 404


def test_administration_with_answers_cannot_be_deleted_but_dates_can_change(client, auth,
                                                                            school, given):
    auth.login("guru.a")
    aid = given["administration"].id
    assert client.post(f"/bk/asesmen/{aid}/hapus").status_code == 409
    response = client.post(f"/bk/asesmen/{aid}/tanggal", data={
        "opens_at": "2026-01-05T07:00", "closes_at": "2026-01-04T07:00"})
    assert response.status_code == 400
    response = client.post(f"/bk/asesmen/{aid}/tanggal", data={
        "opens_at": "2026-01-05T07:00", "closes_at": "2026-01-12T07:00"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Administration, aid).status == "closed"
    empty = helpers.give(given["instrument"], slug="kosong")
    assert client.post(f"/bk/asesmen/{empty.id}/hapus").status_code == 303


def test_administration_page_shows_the_share_link_and_respondents(client, auth, school, given):
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/{given['administration'].id}").get_data(as_text=True)
    assert f"http://localhost/asesmen/{given['administration'].slug}" in page
    assert f"/siswa/{school['student_a'].id}" in page
