"""The TPPK lane's reports in data care (issue 21): erased with the student, purged after
their retention once handled, in the data export of a counselor who is a member only, and
an anonymous report linked to nobody."""

import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import CounselingCase
from cyberbk.common.schooltime import utcnow
from cyberbk.dashboard import retention
from cyberbk.extensions import db
from cyberbk.tppk import services
from cyberbk.tppk.models import Step
from cyberbk.tppk.models import TppkCase
from cyberbk.tppk.models import TppkNote
from cyberbk.tppk.models import TppkStep
from tests.test_tppk import lane  # noqa: F401 (a fixture)
from tests.test_tppk import routed_story

DAY = timedelta(days=1)
NAMED = "Aku dipalak di parkiran sepeda tiap pulang."
ANONYMOUS = "Ada yang dipukuli di toilet lantai dua."


def handled(case, member, note="Saksi diperiksa."):
    services.record_step(case, Step.EXAMINATION, utcnow().date(), member, note)
    services.add_note(case, member, "Catatan kerja TPPK tentang pelaku.")


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def reports(client, auth, lane):  # noqa: F811
    """About siswa.a: a story of theirs routed with their words, their own named report;
    their anonymous report; siswa.b's named report."""
    _report, routed = routed_story(client, auth, share_words=True, author=lane["student_a"])
    named = services.report_violence(NAMED, lane["student_a"])
    anonymous = services.report_violence(ANONYMOUS)
    other = services.report_violence("Aku diancam lewat DM.", lane["student_b"])
    for case in (routed, named, anonymous, other):
        handled(case, lane["tppk"])
    db.session.commit()
    return {"routed": routed.id, "named": named.id, "anonymous": anonymous.id,
            "other": other.id}


@pytest.mark.usefixtures("database")
def test_erasing_a_student_clears_the_tppk_reports_about_them(
        client, auth, lane, reports):  # noqa: F811
    auth.login("guru.a")
    response = client.post(f"/data-siswa/{lane['student_a'].id}/hapus",
                           data={"username": "siswa.a", "understood": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    routed, named, anonymous, other = (db.session.get(TppkCase, reports[key])
                                       for key in ("routed", "named", "anonymous", "other"))
    # What was told of them and what the team wrote go; source, dates, steps done stay.
    assert (routed.summary, routed.student_words) == ("-", None)
    assert (named.summary, named.student_words) == ("", None)
    for case in (routed, named):
        assert [step.note for step in case.steps] == [""]
        assert case.steps[0].step == Step.EXAMINATION and case.notes == []
        assert case.received_at is not None
    # The anonymous report names nobody: nothing links it to the erased student.
    assert anonymous.student_words == ANONYMOUS and anonymous.notes
    assert other.student_words == "Aku diancam lewat DM." and other.steps[0].note
    texts = " ".join(db.session.scalars(sa.select(TppkCase.student_words)
                                        .where(TppkCase.student_words.is_not(None))))
    assert NAMED not in texts and "belakang kantin" not in texts


def test_an_erasure_refused_keeps_the_tppk_reports(client, auth, lane, reports):  # noqa: F811
    """One transaction: an open counseling case refuses the erasure, and the lane's part
    is rolled back with the rest."""
    db.session.add(CounselingCase(student_id=lane["student_a"].id,
                                  counselor_id=lane["counselor"].id))
    db.session.commit()
    auth.login("guru.a")
    client.post(f"/data-siswa/{lane['student_a'].id}/hapus",
                data={"username": "siswa.a", "understood": "y"})
    db.session.expire_all()
    assert db.session.get(TppkCase, reports["named"]).student_words == NAMED


@pytest.mark.usefixtures("database")
def test_purge_removes_old_handled_tppk_reports_and_keeps_open_ones(
        app, runner, lane, reports):  # noqa: F811
    now = utcnow()
    cases = {key: db.session.get(TppkCase, case_id) for key, case_id in reports.items()}
    cases["routed"].closed_at = now - 500 * DAY      # handled long ago: due
    cases["named"].closed_at = now - 100 * DAY       # handled recently: kept
    cases["anonymous"].received_at = now - 900 * DAY  # old but still handled: kept
    retention.save_settings(lane["counselor_b"], None, None, None, 400)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert ("handled TPPK reports (older than 400 days): 1 TPPK case(s) with their steps "
            "and notes removed" in result.output)
    db.session.expire_all()
    assert db.session.get(TppkCase, reports["routed"]) is None
    assert {case.id for case in db.session.scalars(sa.select(TppkCase))} == {
        reports["named"], reports["anonymous"], reports["other"]}
    # Its steps and notes went with it.
    assert count(TppkStep) == 3 and count(TppkNote) == 3
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "purge",
                                                          AuditEntry.target_type == "tppk_case"))
    assert "1 laporan TPPK" in entry.summary


def test_tppk_retention_defaults_to_three_years_and_only_a_member_changes_it(
        client, auth, lane):  # noqa: F811
    assert retention.current_settings().closed_tppk_days == retention.DEFAULT_TPPK_DAYS == 1095
    auth.login("guru.a")  # no member: reads the setting, cannot change it
    page = client.get("/bk/retensi").get_data(as_text=True)
    assert 'name="closed_tppk_days"' not in page and "disimpan 1095 hari" in page
    client.post("/bk/retensi", data={"closed_reports_days": "30", "chat_days": "30",
                                     "closed_cases_days": "30", "closed_tppk_days": "365"})
    assert retention.current_settings().closed_tppk_days == 1095
    auth.logout()
    auth.login("guru.b")  # a member
    assert 'name="closed_tppk_days"' in client.get("/bk/retensi").get_data(as_text=True)
    data = {"closed_reports_days": "30", "chat_days": "30", "closed_cases_days": "30"}
    too_short = client.post("/bk/retensi", data={**data, "closed_tppk_days": "30"})
    assert too_short.status_code == 400 and "365 sampai 36500" in too_short.get_data(
        as_text=True)
    assert client.post("/bk/retensi", data={**data, "closed_tppk_days": "730"}).status_code == 303
    assert retention.current_settings().closed_tppk_days == 730


def test_an_anonymous_direct_report_has_no_column_linking_it_to_a_person(
        client, auth, lane):  # noqa: F811
    """Even from a signed-in student: no account, no address, no exact time; and no log
    entry of the app names them with it."""
    auth.login("siswa.a")
    response = client.post("/kotak/kekerasan", data={"body": ANONYMOUS, "submission": "x1"})
    assert response.status_code == 200
    case = db.session.scalars(sa.select(TppkCase)).one()
    table = TppkCase.__table__
    person_columns = [column.name for column in table.columns
                      if any(key.column.table.name == "users" for key in column.foreign_keys)]
    assert sorted(person_columns) == ["routed_by_id", "student_id"]
    assert all(getattr(case, name) is None for name in person_columns)
    assert not [column.name for column in table.columns
                if any(word in column.name for word in ("ip", "agent", "device", "session"))]
    assert (case.received_at.minute, case.received_at.second,
            case.received_at.microsecond) == (0, 0, 0)
    # The digest names the filling-in of the form, not the student.
    assert case.submission_digest == services.submission_digest("x1")
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.actor_id == lane["student_a"].id)) == 0
    # The student's data export knows nothing of it.
    auth.logout()
    auth.login("guru.b")
    assert "tppk.csv" not in export_files(client, lane["student_a"])


def export_files(client, student):
    response = client.get(f"/data-siswa/{student.id}/ekspor.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_the_export_holds_the_tppk_reports_for_a_member_only(
        client, auth, lane, reports):  # noqa: F811
    student = lane["student_a"]
    auth.login("guru.b")  # a member, who holds none of the student's counseling
    assert "tppk.csv" in client.get(f"/data-siswa/{student.id}").get_data(as_text=True)
    files = export_files(client, student)
    tppk = files["tppk.csv"]
    assert NAMED in tppk and "dua kali minggu ini" in tppk and "examination" in tppk
    assert ANONYMOUS not in tppk and "Aku diancam lewat DM." not in tppk
    assert "Catatan kerja TPPK" not in tppk
    assert "tppk.csv:" in files["LIHAT-SAYA.txt"]
    # The audit entry of the export says that the TPPK's file left with it.
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.target_id == str(student.id) and "tppk.csv" in entry.summary
    auth.logout()
    for username in ("guru.a", "operator"):  # not members
        auth.login(username)
        assert "tppk.csv" not in client.get(f"/data-siswa/{student.id}").get_data(as_text=True)
        files = export_files(client, student)
        assert "tppk.csv" not in files and "TPPK" not in files["LIHAT-SAYA.txt"]
        auth.logout()
