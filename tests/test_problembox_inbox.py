"""The counselors' side of the problem box: access, audit, triage, replies, notes, settings,
home counts and retention."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db
from cyberbk.problembox import services
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemNote
from cyberbk.problembox.models import ProblemReport
from cyberbk.problembox.models import ReplyTemplate
from cyberbk.problembox.models import ReportStatus
from cyberbk.problembox.models import RiskTerm
from tests import factories


@pytest.fixture
def report(school):
    report, _code = factories.make_report("Aku tidak punya teman di kelas.", ServiceField.SOCIAL)
    return report


@pytest.fixture
def template(app):
    entry = ReplyTemplate(title="Sapaan", body="Halo, terima kasih.")
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.fixture
def term(app):
    entry = RiskTerm(term="ingin menghilang")
    db.session.add(entry)
    db.session.commit()
    return entry


# (method, path, form data); {r} {t} {k} are a report, a saved template and an added term.
ROUTES = [
    ("get", "/bk/kotak", None),
    ("get", "/bk/kotak/{r}", None),
    ("post", "/bk/kotak/{r}/balas", {"reply-body": "Halo"}),
    ("post", "/bk/kotak/{r}/catatan", {"note-body": "Catatan"}),
    ("post", "/bk/kotak/{r}/status", {"status": "closed", "urgent": "0"}),
    ("post", "/bk/kotak/{r}/sesi-diatur", {}),
    ("get", "/bk/kotak/pengaturan", None),
    ("post", "/bk/kotak/templat", {"template-title": "Judul", "template-body": "Isi"}),
    ("post", "/bk/kotak/templat/{t}/hapus", {}),
    ("post", "/bk/kotak/kata-risiko", {"term-term": "kabur dari rumah"}),
    ("post", "/bk/kotak/kata-risiko/{k}/hapus", {}),
]
COUNSELOR_STATUS = {"get": 200, "post": 303}


def call(client, method, path, data, report, template, term):
    url = path.format(r=report.id, t=template.id, k=term.id)
    return getattr(client, method)(url, data=data) if method == "post" else client.get(url)


@pytest.mark.parametrize("method,path,data", ROUTES)
@pytest.mark.parametrize("person", ["student_a", "homeroom_a", "admin"])
def test_only_counselors_may_use_the_inbox(client, auth, school, report, template, term, person,
                                           method, path, data):
    auth.login(school[person].username)
    assert call(client, method, path, data, report, template, term).status_code == 403


@pytest.mark.parametrize("method,path,data", ROUTES)
def test_logged_out_visitor_is_sent_to_login(client, school, report, template, term, method,
                                             path, data):
    response = call(client, method, path, data, report, template, term)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method,path,data", ROUTES)
@pytest.mark.parametrize("person", ["counselor", "counselor_b"])
def test_every_counselor_may_use_the_inbox(client, auth, school, report, template, term, person,
                                           method, path, data):
    auth.login(school[person].username)
    response = call(client, method, path, data, report, template, term)
    assert response.status_code == COUNSELOR_STATUS[method]


@pytest.mark.parametrize("path", ["/bk/kotak/999", "/bk/kotak/999/balas",
                                  "/bk/kotak/999/status", "/bk/kotak/templat/999/hapus",
                                  "/bk/kotak/kata-risiko/999/hapus"])
def test_unknown_report_template_or_term_is_404(client, auth, school, path):
    auth.login("guru.a")
    response = client.get(path) if path.count("/") == 3 else client.post(path, data={})
    assert response.status_code == 404


def test_report_page_shows_the_text_and_opening_it_is_audited(client, auth, school, report):
    auth.login("guru.a")
    for _ in range(2):
        page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
        assert "Aku tidak punya teman di kelas." in page
        assert "Anonim" in page
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert len(entries) == 2
    for entry in entries:
        assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
            school["counselor"].id, "read", "problem_report", str(report.id))
        assert "teman" not in entry.summary


def test_inbox_list_shows_only_the_first_line_of_a_story(client, auth, school):
    """Issue 19: the counselor sees what a story is about before opening it (and the
    opening, which shows all of it, is audited); the rest stays on its page."""
    report, _code = factories.make_report("\n  Aku tidak punya teman di kelas.\nTiap istirahat "
                                          "aku sendirian.")
    long, _code = factories.make_report("kata " * 60)
    auth.login("guru.a")
    page = client.get("/bk/kotak").get_data(as_text=True)
    assert f"Laporan #{report.id}" in page
    assert ">Aku tidak punya teman di kelas.</p>" in page
    assert "sendirian" not in page
    assert "kata " * 20 in page and "kata " * 40 not in page


def test_named_report_shows_the_students_name_and_class(client, auth, school):
    factories.make_report("Aku mau konsultasi.", author=school["student_a"])
    auth.login("guru.a")
    assert "Siswa A" in client.get("/bk/kotak").get_data(as_text=True)
    report = db.session.scalars(sa.select(ProblemReport)).one()
    assert "Siswa A (7A)" in client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)


def test_urgent_first_then_newest(client, auth, school):
    old_urgent, _ = factories.make_report("Aku pengen bundir.")
    old_urgent.created_at -= timedelta(days=3)
    plain_old, _ = factories.make_report("Soal PR.")
    plain_old.created_at -= timedelta(days=1)
    plain_new, _ = factories.make_report("Soal teman.")
    db.session.commit()
    ids = [row[0].id for row in db.session.execute(services.inbox_query()).all()]
    assert ids == [old_urgent.id, plain_new.id, plain_old.id]
    auth.login("guru.a")
    page = client.get("/bk/kotak").get_data(as_text=True)
    assert page.index(f"Laporan #{old_urgent.id}") < page.index(f"Laporan #{plain_new.id}")
    assert "pb-row-urgent" in page


@pytest.mark.parametrize("query,expected", [
    ("status=new", {"new"}),
    ("status=closed", {"closed"}),
    ("field=belajar", {"learning"}),
    ("urgent=1", {"urgent"}),
    ("urgent=0", {"new", "closed", "learning", "reply"}),
    ("new_reply=y", {"reply"}),
    ("status=bogus&field=%3Cx%3E&page=-3", {"new", "closed", "learning", "urgent", "reply"}),
])
def test_inbox_filters(client, auth, school, query, expected):
    made = {
        "new": factories.make_report("satu")[0],
        "closed": factories.make_report("dua")[0],
        "learning": factories.make_report("tiga", ServiceField.LEARNING)[0],
        "urgent": factories.make_report("aku dipukul")[0],
        "reply": factories.make_report("lima")[0],
    }
    services.set_triage(made["closed"], ReportStatus.CLOSED, False)
    for key in ("learning", "urgent", "reply"):
        services.set_triage(made[key], ReportStatus.IN_PROGRESS, made[key].is_urgent)
    services.add_student_reply(made["reply"], "ada kabar baru")
    db.session.commit()
    auth.login("guru.a")
    response = client.get(f"/bk/kotak?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = {key for key, r in made.items() if f"Laporan #{r.id}<" in page}
    assert shown == expected


def test_inbox_filter_by_htmx_returns_only_the_list(client, auth, school, report):
    auth.login("guru.a")
    response = client.get("/bk/kotak?status=new",
                          headers={"HX-Request": "true", "HX-Target": "kotak-daftar"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and 'id="kotak-daftar"' in text
    assert f"Laporan #{report.id}" in text


def test_inbox_pages_through_many_reports(client, auth, school):
    for number in range(55):
        factories.make_report(f"laporan {number}")
    auth.login("guru.a")
    first = client.get("/bk/kotak?status=new").get_data(as_text=True)
    assert "halaman 1 dari 2" in first and "page=2" in first and "status=new" in first
    assert first.count('class="pb-row') == 50
    second = client.get("/bk/kotak?status=new&page=2").get_data(as_text=True)
    assert second.count('class="pb-row') == 5


def test_inbox_searches_stories_and_sorts_by_a_column(client, auth, school):
    quiet = factories.make_report("Nilai matematika turun terus.")[0]
    busy = factories.make_report("Aku dirundung di kantin.")[0]
    services.add_student_reply(busy, "masih terjadi")
    db.session.commit()
    auth.login("guru.a")
    found = client.get("/bk/kotak?q=KANTIN").get_data(as_text=True)
    assert f"Laporan #{busy.id}<" in found and f"Laporan #{quiet.id}<" not in found
    by_replies = client.get("/bk/kotak?sort=-balasan").get_data(as_text=True)
    assert by_replies.index(f"Laporan #{busy.id}<") < by_replies.index(f"Laporan #{quiet.id}<")
    oldest_first = client.get("/bk/kotak?sort=masuk").get_data(as_text=True)
    assert oldest_first.index(f"Laporan #{quiet.id}<") < oldest_first.index(f"Laporan #{busy.id}<")


def test_counselor_reply_reaches_the_student_and_moves_status_on(client, auth, school):
    report, code = factories.make_report("Aku takut pulang.")
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/balas",
                           data={"reply-body": "Kamu aman sekarang? Ibu di ruang BK."})
    assert response.status_code == 303
    db.session.refresh(report)
    assert report.status == ReportStatus.IN_PROGRESS
    message = db.session.scalars(sa.select(ProblemMessage)).one()
    assert message.from_counselor and message.counselor_id == school["counselor"].id
    auth.logout()
    client.post("/kotak/cek", data={"code": code})
    assert "Kamu aman sekarang? Ibu di ruang BK." in client.get("/kotak/cek").get_data(
        as_text=True)


def test_htmx_reply_returns_the_thread_and_the_updated_status(client, auth, school, report):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/balas", data={"reply-body": "Halo nak."},
                           headers={"HX-Request": "true", "HX-Target": "kotak-percakapan"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert "Halo nak." in text
    assert 'hx-swap-oob="true"' in text and "Diproses" in text


def test_empty_reply_is_refused(client, auth, school, report):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/balas", data={"reply-body": " "})
    assert response.status_code == 400
    assert "Tulis dulu balasannya." in response.get_data(as_text=True)
    fragment = client.post(f"/bk/kotak/{report.id}/balas", data={"reply-body": ""},
                           headers={"HX-Request": "true", "HX-Target": "kotak-percakapan"})
    assert fragment.status_code == 400 and "<html" not in fragment.get_data(as_text=True)


def test_internal_note_is_kept_from_the_student(client, auth, school):
    report, code = factories.make_report("Aku dimarahi terus.")
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/catatan",
                           data={"note-body": "Kemungkinan anak kelas 8, cek wali kelas."})
    assert response.status_code == 303
    assert "cek wali kelas" in client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert db.session.scalars(sa.select(ProblemNote)).one().author_id == school["counselor"].id
    auth.logout()
    client.post("/kotak/cek", data={"code": code})
    assert "cek wali kelas" not in client.get("/kotak/cek").get_data(as_text=True)


def test_htmx_note_returns_the_notes_fragment(client, auth, school, report):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/catatan", data={"note-body": "Pantau."},
                           headers={"HX-Request": "true", "HX-Target": "kotak-catatan"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text and "Pantau." in text


def test_triage_changes_status_and_urgency_with_full_page_fallback(client, auth, school, report):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/status", data={"status": "closed",
                                                                  "urgent": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/bk/kotak/{report.id}"
    db.session.refresh(report)
    assert report.status == ReportStatus.CLOSED and report.is_urgent
    assert report.closed_at is not None


def test_triage_in_place_with_htmx(client, auth, school, report):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/status",
                           data={"status": "in_progress", "urgent": "1"},
                           headers={"HX-Request": "true", "HX-Target": "kotak-status"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in text and 'id="kotak-status"' in text and "Tersimpan." in text
    assert "Mendesak" in text


@pytest.mark.parametrize("data", [{"status": "bogus", "urgent": "1"}, {"status": "new"},
                                  {"status": "new", "urgent": "maybe"}, {}])
def test_bad_triage_input_is_a_400_with_a_message(client, auth, school, report, data):
    auth.login("guru.a")
    response = client.post(f"/bk/kotak/{report.id}/status", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Pilih status." in text or "Pilih tingkat urgensi." in text
    db.session.refresh(report)
    assert report.status == ReportStatus.NEW


def test_opening_a_report_clears_its_new_reply_mark(client, auth, school, report):
    services.add_student_reply(report, "halo?")
    db.session.commit()
    assert services.inbox_counts()["replies"] == 1
    auth.login("guru.a")
    client.get(f"/bk/kotak/{report.id}")
    assert services.inbox_counts()["replies"] == 0


def test_session_request_is_shown_and_can_be_marked_arranged(client, auth, school, report):
    services.request_session(report, Mode.VIDEO, "Selasa sore")
    db.session.commit()
    auth.login("guru.a")
    assert "Minta sesi video" in client.get("/bk/kotak").get_data(as_text=True)
    page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert "Siswa meminta sesi video." in page and "Selasa sore" in page
    response = client.post(f"/bk/kotak/{report.id}/sesi-diatur")
    assert response.status_code == 303
    db.session.refresh(report)
    assert not report.session_request_open


def test_template_link_fills_the_reply_without_javascript(client, auth, school, report,
                                                          template):
    auth.login("guru.a")
    page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert f"templat=t{template.id}" in page and 'data-template-body="Halo, terima kasih."' in page
    filled = client.get(f"/bk/kotak/{report.id}?templat=t{template.id}").get_data(as_text=True)
    assert re.search(r">\s*Halo, terima kasih.</textarea>", filled)
    builtin = client.get(f"/bk/kotak/{report.id}?templat=b1").get_data(as_text=True)
    assert "Itu langkah yang berani." in builtin
    assert client.get(f"/bk/kotak/{report.id}?templat=nope").status_code == 200


def test_counselor_saves_and_deletes_a_template(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/kotak/templat", data={"template-title": "Libur",
                                                      "template-body": "Selamat libur!"})
    assert response.status_code == 303
    saved = db.session.scalars(sa.select(ReplyTemplate)).one()
    assert "Selamat libur!" in client.get("/bk/kotak/pengaturan").get_data(as_text=True)
    client.post(f"/bk/kotak/templat/{saved.id}/hapus")
    assert db.session.scalar(sa.select(sa.func.count(ReplyTemplate.id))) == 0
    assert client.post("/bk/kotak/templat", data={"template-title": ""}).status_code == 400


def test_added_risk_term_flags_new_reports(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/kotak/kata-risiko", data={"term-term": "Kabur  dari rumah"})
    assert response.status_code == 303
    assert db.session.scalars(sa.select(RiskTerm.term)).one() == "kabur dari rumah"
    report, _ = factories.make_report("aku pengen kaburrr dr rumahh... eh, kabur dari rumah")
    assert report.is_urgent


@pytest.mark.parametrize("term,message", [("bundir", "sudah ada"), ("!!", "dengan huruf"),
                                          ("", "Tulis kata")])
def test_risk_term_must_be_new_and_made_of_letters(client, auth, school, term, message):
    auth.login("guru.a")
    response = client.post("/bk/kotak/kata-risiko", data={"term-term": term})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_configured_risk_terms_replace_the_built_in_list(app, school):
    app.config["PROBLEMBOX_RISK_TERMS"] = ["zzz khusus"]
    assert not factories.make_report("aku pengen bundir")[0].is_urgent
    assert factories.make_report("ini zzz khusus")[0].is_urgent


def test_counselor_home_shows_new_urgent_and_reply_counts(client, auth, school):
    factories.make_report("biasa saja")
    urgent, _ = factories.make_report("aku mau bunuh diri")
    replied, _ = factories.make_report("ada lanjutan")
    services.set_triage(replied, ReportStatus.IN_PROGRESS, False)
    services.add_student_reply(replied, "halo lagi")
    db.session.commit()
    assert services.inbox_counts() == {"new": 2, "urgent": 1, "replies": 1,
                                       "session_requests": 0}
    auth.login("guru.a")
    page = client.get("/bk").get_data(as_text=True)
    assert "2 laporan baru" in page
    assert "1 laporan mendesak" in page and "pb-home-urgent" in page
    assert "1 laporan dengan balasan baru" in page


def test_urgent_flag_is_shown_to_nobody_but_counselors(client, auth, school):
    report, code = factories.make_report("aku dipukulin ayah")
    assert report.is_urgent
    for username in ("wali.a", "siswa.a", "operator"):
        auth.login(username)
        home = client.get("/", follow_redirects=True).get_data(as_text=True)
        assert "mendesak" not in home.lower()
        auth.logout()
    client.post("/kotak/cek", data={"code": code})
    assert "mendesak" not in client.get("/kotak/cek").get_data(as_text=True).lower()


def test_purge_removes_only_closed_reports_past_the_retention(runner, school):
    old_closed, _ = factories.make_report("lama dan selesai")
    services.add_counselor_reply(old_closed, school["counselor"], "balasan lama")
    services.add_note(old_closed, school["counselor"], "catatan lama")
    services.set_triage(old_closed, ReportStatus.CLOSED, False)
    old_closed.closed_at = utcnow() - timedelta(days=400)
    db.session.commit()
    recent_closed, _ = factories.make_report("baru selesai")
    services.set_triage(recent_closed, ReportStatus.CLOSED, False)
    db.session.commit()
    old_open, _ = factories.make_report("lama tapi masih diproses")
    old_open.created_at -= timedelta(days=800)
    db.session.commit()
    kept = {recent_closed.id, old_open.id}

    result = runner.invoke(args=["purge-reports"])
    assert result.exit_code == 0, result.output
    assert "1 closed report(s)" in result.output
    assert set(db.session.scalars(sa.select(ProblemReport.id))) == kept
    assert db.session.scalar(sa.select(sa.func.count(ProblemMessage.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ProblemNote.id))) == 0
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert audit.target_type == "problem_report"

    result = runner.invoke(args=["purge-reports", "--days", "0"])
    assert "1 closed report(s)" in result.output
    assert set(db.session.scalars(sa.select(ProblemReport.id))) == {old_open.id}


def test_purge_refuses_negative_days(runner, school):
    result = runner.invoke(args=["purge-reports", "--days", "-1"])
    assert result.exit_code != 0


def test_a_term_added_or_removed_applies_to_the_very_next_report(client, auth, school):
    factories.make_report("Sebelum ada kata baru")  # the terms are now kept in memory
    auth.login("guru.a")
    client.post("/bk/kotak/kata-risiko", data={"term-term": "kabur dari rumah"})
    report, _ = factories.make_report("aku mau kabur dari rumah")
    assert report.is_urgent
    term = db.session.scalars(sa.select(RiskTerm)).one()
    assert client.post(f"/bk/kotak/kata-risiko/{term.id}/hapus").status_code == 303
    report, _ = factories.make_report("aku mau kabur dari rumah")
    assert not report.is_urgent
