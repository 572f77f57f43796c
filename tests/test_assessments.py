"""Questionnaire engine and answering: validation, drafts, one response per student,
anonymity, closed and not-yet-open administrations."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from cyberbk.assessments import services
from cyberbk.assessments.models import Administration
from cyberbk.assessments.models import Answer
from cyberbk.assessments.models import Instrument
from cyberbk.assessments.models import ItemType
from cyberbk.assessments.models import Participation
from cyberbk.assessments.models import Response
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db

#: A small instrument: a Likert area, a checklist area with a heaviest pick, and texts.
SMALL = {
    "title": "Angket uji",
    "sections": [
        {"code": "PBK", "title": "Pemahaman", "items": [
            {"type": "likert4", "text": "Saya tahu ruang BK.", "required": True},
            {"type": "yesno", "text": "Pernah ke BK?", "required": False},
        ]},
        {"code": "PDP", "title": "Belajar", "items": [
            {"type": "multiple", "text": "Masalah belajar", "options": ["Malas", "Sulit fokus",
                                                                         "Nilai turun"]},
        ]},
        {"code": None, "title": "Penutup", "items": [
            {"type": "heaviest", "text": "Paling berat?"},
            {"type": "single", "text": "Cerita ke siapa?", "options": ["Guru BK", "Teman"]},
            {"type": "short_text", "text": "Satu kata", "required": False},
        ]},
    ],
}


def make_instrument(data=SMALL):
    instrument = services.instrument_from_data(data)
    db.session.add(instrument)
    db.session.commit()
    return instrument


def give(instrument, classes=(), anonymous=False, opens=None, closes=None, slug=None,
         scope=None):
    """An administration of `instrument`, open now by default, to `classes` (or the school)."""
    now = utcnow()
    administration = services.create_administration(
        instrument, None, f"Uji {instrument.title}", opens or now - timedelta(hours=1),
        closes or now + timedelta(days=1), scope or ("classes" if classes else "school"),
        class_ids=[c.id for c in classes], anonymous=anonymous, slug=slug)
    db.session.commit()
    return administration


def add_response(administration, student=None, answers=(), school_class=None, gender=None,
                 submitted=True):
    """A response with answers given as (item, choice or text[, source item])."""
    profile = student.student_profile if student else None
    response = Response(administration=administration,
                        user_id=student.id if student and not administration.anonymous else None,
                        is_anonymous=administration.anonymous,
                        class_id=(school_class.id if school_class else
                                  profile.class_id if profile else None),
                        gender=gender or (profile.gender.value if profile and profile.gender
                                          else None),
                        submitted_at=utcnow() if submitted else None)
    for answer in answers:
        item, value = answer[0], answer[1]
        source = answer[2] if len(answer) > 2 else None
        response.answers.append(Answer(
            item_id=item.id, choice=value if isinstance(value, int) else None,
            text=value if isinstance(value, str) else None,
            source_item_id=source.id if source else None))
    db.session.add(response)
    if student is not None and submitted:
        db.session.add(Participation(administration_id=administration.id, user_id=student.id))
    db.session.commit()
    return response


def items(instrument):
    return instrument.items


# --- engine --------------------------------------------------------------------------

def test_builtin_instruments_are_loaded_once_with_their_areas(app):
    first = services.ensure_builtin_instruments()
    again = services.ensure_builtin_instruments()
    assert set(first) == set(services.BUILTIN_KEYS)
    assert db.session.scalar(sa.select(sa.func.count(Instrument.id))) \
        == len(services.BUILTIN_KEYS)
    assert {i.id for i in first.values()} == {i.id for i in again.values()}
    checklist = first["daftar-cek-masalah"]
    areas = [s for s in checklist.sections if s.code]
    assert [s.code for s in areas] == ["JDK", "DPI", "HSO", "EDK", "KDP", "PDP", "ANM", "HMM",
                                       "KHK", "WSG"]
    for section in areas:
        (item,) = section.items
        assert item.type == ItemType.MULTIPLE
        assert 8 <= len(item.options) <= 10
    assert any(i.type == ItemType.HEAVIEST for i in checklist.items)
    evaluation = first["evaluasi-sesi"]
    assert [s.code for s in evaluation.sections] == ["U", "C", "A", "KP"]
    assert all(len(i.options) == 4 for i in first["pemahaman-bk"].items if i.type.is_likert)


def test_parse_section_accepts_each_item_type(app):
    instrument = make_instrument()
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    heaviest, single, text = instrument.sections[2].items
    parsed = services.parse_section(instrument.sections[0], MultiDict(
        {f"q{likert.id}": "3", f"q{yesno.id}": "1"}), [])
    assert parsed.ok and parsed.values == {likert.id: [(3, None, None)],
                                           yesno.id: [(1, None, None)]}
    parsed = services.parse_section(instrument.sections[1], MultiDict(
        [(f"q{checklist.id}", "2"), (f"q{checklist.id}", "0")]), [])
    assert parsed.values == {checklist.id: [(0, None, None), (2, None, None)]}
    parsed = services.parse_section(instrument.sections[2], MultiDict(
        {f"q{heaviest.id}": f"{checklist.id}-2", f"q{single.id}": "1",
         f"q{text.id}": "  capek  "}), [(checklist, 0), (checklist, 2)])
    assert parsed.ok
    assert parsed.values[heaviest.id] == [(2, None, checklist.id)]
    assert parsed.values[text.id] == [(None, "capek", None)]


@pytest.mark.parametrize("field,value", [("likert", "4"), ("likert", "x"), ("yesno", "-1"),
                                         ("likert", "1.5")])
def test_parse_section_rejects_options_that_do_not_exist(app, field, value):
    instrument = make_instrument()
    likert, yesno = instrument.sections[0].items
    item = likert if field == "likert" else yesno
    parsed = services.parse_section(instrument.sections[0], MultiDict(
        {f"q{likert.id}": "0", f"q{item.id}": value}), [])
    assert parsed.errors[item.id] == "Pilihan ini tidak ada di daftar. Pilih lagi, ya."
    assert item.id not in parsed.values


def test_parse_section_rejects_text_that_is_too_long_and_heaviest_not_ticked(app):
    instrument = make_instrument()
    heaviest, single, text = instrument.sections[2].items
    (checklist,) = instrument.sections[1].items
    parsed = services.parse_section(instrument.sections[2], MultiDict(
        {f"q{text.id}": "a" * 201, f"q{heaviest.id}": f"{checklist.id}-1"}), [(checklist, 0)])
    assert "paling banyak 200 huruf" in parsed.errors[text.id]
    assert parsed.errors[heaviest.id]


def test_required_items_are_missing_when_empty(app):
    instrument = make_instrument()
    likert, _yesno = instrument.sections[0].items
    parsed = services.parse_section(instrument.sections[0], MultiDict(), [])
    assert parsed.errors == {likert.id: "Pertanyaan ini wajib dijawab."}
    assert parsed.missing == {likert.id}


def test_heaviest_pick_is_required_only_when_something_was_ticked(app):
    data = {"title": "X", "sections": [{"code": "A", "title": "A", "items": [
        {"type": "multiple", "text": "m", "options": ["a", "b"]},
        {"type": "heaviest", "text": "h", "required": True}]}]}
    instrument = make_instrument(data)
    checklist, heaviest = instrument.items
    assert services.is_required(heaviest, []) is False
    assert services.is_required(heaviest, [(checklist, 1)]) is True


@pytest.mark.parametrize("item_type,options,message", [
    (ItemType.LIKERT4, ["a", "b", "c"], "tepat 4 label"),
    (ItemType.LIKERT5, ["a", "b", "c", "d"], "tepat 5 label"),
    (ItemType.SINGLE, ["a"], "paling sedikit dua"),
    (ItemType.MULTIPLE, [], "paling sedikit dua"),
])
def test_item_options_must_fit_the_type(app, item_type, options, message):
    with app.test_request_context():
        assert message in services.option_errors(item_type, options)


def test_likert_and_yes_no_items_get_standard_labels(app):
    assert services.make_item("likert5", "x").options[2] == "Ragu-ragu"
    assert services.make_item("yesno", "x").options == ["Ya", "Tidak"]
    assert services.make_item("short_text", "x", options=["a"]).options == []


def test_administration_dates_must_be_in_order(client, auth, school):
    instrument = make_instrument()
    auth.login("guru.a")
    response = client.post("/bk/asesmen/berikan", data={
        "instrument": instrument.id, "title": "Uji", "scope": "school",
        "opens_at": "2026-08-10T07:00", "closes_at": "2026-08-01T07:00"})
    assert response.status_code == 400
    assert "Waktu tutup harus sesudah waktu buka." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Administration.id))) == 0


def test_administration_dates_are_school_time(client, auth, school):
    instrument = make_instrument()
    auth.login("guru.a")
    response = client.post("/bk/asesmen/berikan", data={
        "instrument": instrument.id, "title": "Uji waktu", "scope": "classes",
        "classes": [school["class_a"].id], "opens_at": "2026-08-10T07:00",
        "closes_at": "2026-08-17T14:30", "slug": "uji-waktu"})
    assert response.status_code == 303
    administration = db.session.scalar(sa.select(Administration))
    # Asia/Jakarta is UTC+7 all year.
    assert administration.opens_at.isoformat() == "2026-08-10T00:00:00"
    assert administration.closes_at.isoformat() == "2026-08-17T07:30:00"
    assert administration.slug == "uji-waktu"
    assert [t.class_id for t in administration.targets] == [school["class_a"].id]


@pytest.mark.parametrize("data,message", [
    ({"scope": "classes"}, "Pilih paling sedikit satu kelas."),
    ({"scope": "grades"}, "Pilih paling sedikit satu tingkat."),
    ({"scope": "school", "opens_at": "kemarin"}, "Tanggal dan jam tidak dikenali."),
    ({"scope": "school", "slug": "Ada Spasi"}, "Pakai 3–40 huruf kecil"),
])
def test_administration_form_explains_bad_input(client, auth, school, data, message):
    instrument = make_instrument()
    auth.login("guru.a")
    form = {"instrument": instrument.id, "title": "Uji", "opens_at": "2026-08-10T07:00",
            "closes_at": "2026-08-17T07:00", **data}
    response = client.post("/bk/asesmen/berikan", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_database_keeps_one_response_per_student(app, school):
    administration = give(make_instrument())
    student = school["student_a"]
    db.session.add(Response(administration=administration, user_id=student.id))
    db.session.commit()
    db.session.add(Response(administration=administration, user_id=student.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_a_submitted_anonymous_response_with_a_user(app, school):
    administration = give(make_instrument(), anonymous=True)
    db.session.add(Response(administration=administration, user_id=school["student_a"].id,
                            is_anonymous=True, submitted_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- answering over HTTP -------------------------------------------------------------

def answer_all(client, administration, instrument):
    """Answer every section of SMALL through the forms and submit."""
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    heaviest, single, text = instrument.sections[2].items
    base = f"/asesmen/{administration.slug}"
    assert client.post(f"{base}/bagian/1", data={f"q{likert.id}": "2", f"q{yesno.id}": "0",
                                                 "arah": "lanjut"}).status_code == 303
    assert client.post(f"{base}/bagian/2", data=MultiDict([
        (f"q{checklist.id}", "0"), (f"q{checklist.id}", "2"), ("arah", "lanjut")])
    ).status_code == 303
    assert client.post(f"{base}/bagian/3", data={
        f"q{heaviest.id}": f"{checklist.id}-2", f"q{single.id}": "0", f"q{text.id}": "lelah",
        "arah": "lanjut"}).headers["Location"] == f"{base}/ringkasan"
    return client.post(f"{base}/kirim")


def test_student_answers_section_by_section_and_submits(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    auth.login("siswa.a")
    page = client.get(f"/asesmen/{administration.slug}/bagian/1").get_data(as_text=True)
    assert "Bagian 1 dari 3" in page and 'value="3"' in page
    response = answer_all(client, administration, instrument)
    assert response.status_code == 303
    stored = services.find_response(administration, user=school["student_a"])
    assert stored.is_submitted and stored.class_id == school["class_a"].id
    assert db.session.get(Participation, (administration.id, school["student_a"].id))
    labels = services.answer_labels(instrument, services.answers_of(stored))
    assert labels[instrument.items[2].id] == ["Malas", "Nilai turun"]
    assert labels[instrument.items[3].id] == ["Nilai turun"]
    landing = client.get(f"/asesmen/{administration.slug}").get_data(as_text=True)
    assert "Jawabanmu sudah terkirim" in landing


def test_missing_required_answer_gets_a_clear_message_and_keeps_the_rest(client, auth,
                                                                          school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    _likert, yesno = instrument.sections[0].items
    auth.login("siswa.a")
    response = client.post(f"/asesmen/{administration.slug}/bagian/1",
                           data={f"q{yesno.id}": "1", "arah": "lanjut"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Pertanyaan ini wajib dijawab." in page
    assert f'name="q{yesno.id}" value="1" checked' in page
    stored = services.find_response(administration, user=school["student_a"])
    assert [a.choice for a in stored.answers] == [1]


def test_going_back_saves_a_draft_without_required_answers(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    (checklist,) = instrument.sections[1].items
    auth.login("siswa.a")
    response = client.post(f"/asesmen/{administration.slug}/bagian/2",
                           data={f"q{checklist.id}": "1", "arah": "kembali"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/bagian/1")
    response = client.post(f"/asesmen/{administration.slug}/bagian/1", data={"arah": "kembali"})
    assert response.headers["Location"] == f"/asesmen/{administration.slug}"


def test_submitting_with_missing_required_answers_is_refused(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    (checklist,) = instrument.sections[1].items
    auth.login("siswa.a")
    client.post(f"/asesmen/{administration.slug}/bagian/2",
                data={f"q{checklist.id}": "1", "arah": "lanjut"})
    response = client.post(f"/asesmen/{administration.slug}/kirim")
    assert response.status_code == 400
    assert "1 pertanyaan wajib belum dijawab." in response.get_data(as_text=True)
    assert not services.find_response(administration, user=school["student_a"]).is_submitted


def test_drafts_survive_a_new_login(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    likert, _yesno = instrument.sections[0].items
    auth.login("siswa.a")
    client.post(f"/asesmen/{administration.slug}/bagian/1",
                data={f"q{likert.id}": "3", "arah": "lanjut"})
    auth.logout()
    auth.login("siswa.a")
    landing = client.get(f"/asesmen/{administration.slug}").get_data(as_text=True)
    assert "tersimpan sampai bagian 2" in landing
    assert f'href="/asesmen/{administration.slug}/bagian/2"' in landing
    page = client.get(f"/asesmen/{administration.slug}/bagian/1").get_data(as_text=True)
    assert f'name="q{likert.id}" value="3" checked' in page


def test_identified_response_stays_editable_until_close(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    likert, _yesno = instrument.sections[0].items
    auth.login("siswa.a")
    answer_all(client, administration, instrument)
    response = client.post(f"/asesmen/{administration.slug}/bagian/1",
                           data={f"q{likert.id}": "0", "arah": "lanjut"})
    assert response.status_code == 303
    stored = services.find_response(administration, user=school["student_a"])
    assert stored.is_submitted
    assert [a.choice for a in stored.answers if a.item_id == likert.id] == [0]
    # A sent response may not lose a required answer.
    response = client.post(f"/asesmen/{administration.slug}/bagian/1", data={"arah": "kembali"})
    assert response.status_code == 400
    administration.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/asesmen/{administration.slug}/bagian/1",
                           data={f"q{likert.id}": "1", "arah": "lanjut"})
    assert response.status_code == 403
    assert "Angket sudah ditutup" in response.get_data(as_text=True)


def test_closed_and_not_yet_open_administrations_refuse_answers(client, auth, school):
    instrument = make_instrument()
    now = utcnow()
    later = give(instrument, [school["class_a"]], opens=now + timedelta(days=1),
                 closes=now + timedelta(days=2), slug="nanti")
    over = give(instrument, [school["class_a"]], opens=now - timedelta(days=2),
                closes=now - timedelta(days=1), slug="lewat")
    auth.login("siswa.a")
    for slug, title in (("nanti", "Angket belum dibuka"), ("lewat", "Angket sudah ditutup")):
        response = client.get(f"/asesmen/{slug}/bagian/1")
        assert response.status_code == 403
        assert title in response.get_data(as_text=True)
        assert client.get(f"/asesmen/{slug}").status_code == 200
    assert "baru bisa diisi mulai" in client.get("/asesmen/nanti").get_data(as_text=True)
    assert later.status == "upcoming" and over.status == "closed"


def test_unknown_link_is_404(client, school):
    assert client.get("/asesmen/tidak-ada").status_code == 404


def test_identified_questionnaire_needs_login(client, school):
    administration = give(make_instrument(), [school["class_a"]])
    response = client.get(f"/asesmen/{administration.slug}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_student_of_another_class_cannot_answer(client, auth, school):
    administration = give(make_instrument(), [school["class_a"]])
    auth.login("siswa.b")
    response = client.get(f"/asesmen/{administration.slug}/bagian/1")
    assert response.status_code == 403
    assert "untuk kelas lain" in response.get_data(as_text=True)


def test_grade_audience_includes_every_class_of_the_grade(client, auth, school):
    instrument = make_instrument()
    administration = services.create_administration(
        instrument, None, "Kelas 7", utcnow() - timedelta(hours=1),
        utcnow() + timedelta(days=1), "grades", grades=[7])
    db.session.commit()
    assert {c.name for c in services.audience_classes(administration)} == {"7A", "7B"}
    auth.login("siswa.b")
    assert client.get(f"/asesmen/{administration.slug}/bagian/1").status_code == 200


@pytest.mark.parametrize("person", ["homeroom_a", "counselor", "admin"])
def test_staff_get_a_note_on_the_student_link_and_cannot_answer(client, auth, school, person):
    administration = give(make_instrument(), [school["class_a"]])
    auth.login(school[person].username)
    assert "Halaman ini untuk siswa" in client.get(
        f"/asesmen/{administration.slug}").get_data(as_text=True)
    assert client.get(f"/asesmen/{administration.slug}/bagian/1").status_code == 403
    assert client.post(f"/asesmen/{administration.slug}/kirim").status_code == 403


def test_anonymous_submission_keeps_no_user_and_refuses_a_second_answer(client, auth, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]], anonymous=True)
    auth.login("siswa.a")
    assert answer_all(client, administration, instrument).status_code == 303
    stored = db.session.scalar(sa.select(Response))
    assert stored.user_id is None and stored.is_submitted and stored.is_anonymous
    assert stored.class_id == school["class_a"].id
    # Only the day is kept, so the time cannot be matched with anything else.
    assert stored.submitted_at.time().isoformat() == "00:00:00"
    assert db.session.get(Participation, (administration.id, school["student_a"].id))
    assert "Kamu sudah mengisi angket ini" in client.get(
        f"/asesmen/{administration.slug}").get_data(as_text=True)
    second = client.get(f"/asesmen/{administration.slug}/bagian/1")
    assert second.status_code == 409
    assert "Kamu sudah mengisi angket ini" in second.get_data(as_text=True)


def test_visitor_answers_an_anonymous_questionnaire_without_login(client, school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"], school["class_b"]], anonymous=True)
    code = services.class_link_code(administration, school["class_b"])
    page = client.get(f"/asesmen/{administration.slug}/k/{code}").get_data(as_text=True)
    assert "Kelasmu: 7B" in page
    assert client.get(f"/asesmen/{administration.slug}/bagian/1").status_code == 303
    response = client.post(f"/asesmen/{administration.slug}/k/{code}/mulai",
                           data={"school_class": school["class_b"].id, "gender": "P"})
    assert response.status_code == 303
    draft = db.session.scalar(sa.select(Response))
    assert draft.draft_key and draft.user_id is None
    assert answer_all(client, administration, instrument).status_code == 303
    db.session.refresh(draft)
    assert draft.is_submitted and draft.draft_key is None
    assert (draft.class_id, draft.gender) == (school["class_b"].id, "P")
    assert client.get(f"/asesmen/{administration.slug}/bagian/1").status_code == 409


def test_visitor_answers_only_for_the_class_of_the_link(client, school):
    administration = give(make_instrument(), [school["class_a"]], anonymous=True)
    code = services.class_link_code(administration, school["class_a"])
    response = client.post(f"/asesmen/{administration.slug}/k/{code}/mulai",
                           data={"school_class": school["class_b"].id})
    assert response.status_code == 400
    # Another class's link is no link of this questionnaire.
    other = services.class_link_code(administration, school["class_b"])
    assert client.post(f"/asesmen/{administration.slug}/k/{other}/mulai",
                       data={"school_class": school["class_b"].id}).status_code == 404


def test_heaviest_pick_offers_only_ticked_problems_and_drops_unticked_ones(client, auth,
                                                                          school):
    instrument = make_instrument()
    administration = give(instrument, [school["class_a"]])
    (checklist,) = instrument.sections[1].items
    heaviest = instrument.sections[2].items[0]
    auth.login("siswa.a")
    base = f"/asesmen/{administration.slug}"
    client.post(f"{base}/bagian/2", data=MultiDict([(f"q{checklist.id}", "1"),
                                                    ("arah", "lanjut")]))
    page = client.get(f"{base}/bagian/3").get_data(as_text=True)
    assert "Sulit fokus" in page and "Malas" not in page
    client.post(f"{base}/bagian/3", data={f"q{heaviest.id}": f"{checklist.id}-1",
                                          "arah": "kembali"})
    client.post(f"{base}/bagian/2", data={f"q{checklist.id}": "0", "arah": "lanjut"})
    stored = services.find_response(administration, user=school["student_a"])
    assert not [a for a in stored.answers if a.item_id == heaviest.id]


def test_student_home_lists_open_questionnaires(client, auth, school):
    administration = give(make_instrument(), [school["class_a"]])
    other = give(make_instrument(), [school["class_b"]], slug="untuk-7b")
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    assert f"/asesmen/{administration.slug}" in page and "belum diisi" in page
    assert f"/asesmen/{other.slug}" not in page


def test_answer_pages_do_not_leak_into_caches_and_titles_stay_neutral(client, auth, school):
    administration = give(make_instrument(), [school["class_a"]])
    auth.login("siswa.a")
    response = client.get(f"/asesmen/{administration.slug}/bagian/1")
    assert response.headers["Cache-Control"] == "no-store"
    title = response.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
    assert "masalah" not in title.lower() and "angket" not in title.lower()


def test_open_list_shows_open_questionnaires(client, auth, school):
    mine = give(make_instrument(), [school["class_a"]], slug="untuk-7a")
    other = give(make_instrument(), [school["class_b"]], slug="untuk-7b")
    public = client.get("/asesmen/").get_data(as_text=True)
    assert 'href="/asesmen/untuk-7a"' in public and 'href="/asesmen/untuk-7b"' in public
    assert "masuk dulu untuk mengisi" in public
    auth.login("siswa.a")
    page = client.get("/asesmen/").get_data(as_text=True)
    assert f'href="/asesmen/{mine.slug}"' in page and f"/asesmen/{other.slug}" not in page
