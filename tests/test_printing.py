"""#19 section 5: printed pages a principal can sign. Every printable page carries the
school's letterhead, the filter it was narrowed to, the date, and signature lines with the
names and NIPs of the school's settings; a public page carries no NIP."""

from datetime import date

import pytest

from cyberbk.extensions import db
from cyberbk.outreach.models import ServicePlan
from cyberbk.school.services import get_settings
from tests.test_assessments_smallgroups import given_to_7a
from tests.test_outreach import make_material

PRINCIPAL_NIP = "19700101 199503 1 001"
COORDINATOR_NIP = "19800202 200501 2 002"


@pytest.fixture
def signed_school(school):
    settings = get_settings()
    settings.name, settings.address = "SMP Negeri 3 Pati", "Jl. Kartini 5, Pati"
    settings.principal_name, settings.principal_nip = "Drs. Sutrisno, M.Pd.", PRINCIPAL_NIP
    settings.coordinator_name, settings.coordinator_nip = "Rina Wati, S.Pd.", COORDINATOR_NIP
    db.session.commit()
    return school


def assert_printable(page, filter_text, counselor=("Rina Wati, S.Pd.", COORDINATOR_NIP)):
    assert 'class="print-letterhead"' in page
    assert "SMP Negeri 3 Pati" in page and "Jl. Kartini 5, Pati" in page
    assert filter_text in page and "Tanggal cetak:" in page
    assert "Mengetahui," in page and "Drs. Sutrisno, M.Pd." in page and PRINCIPAL_NIP in page
    for part in counselor:
        assert part in page
    assert "Cetak / simpan PDF" in page and "<noscript>" in page


def test_settings_keep_the_names_and_nips_that_sign(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={
        "name": "SMP Negeri 3 Pati", "principal_name": " Drs. Sutrisno ",
        "principal_nip": PRINCIPAL_NIP, "coordinator_name": "Rina Wati",
        "coordinator_nip": COORDINATOR_NIP.replace(" ", "")})
    assert response.status_code == 303
    settings = get_settings()
    assert (settings.principal_name, settings.principal_nip) == ("Drs. Sutrisno", PRINCIPAL_NIP)
    assert settings.coordinator_nip == "198002022005012002"
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert "NIP kepala sekolah" in page and PRINCIPAL_NIP in page


def test_a_nip_that_is_not_18_digits_is_refused(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={
        "name": "Sekolah", "principal_nip": "1970 0101", "coordinator_nip": "x" * 18})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("NIP terdiri dari 18 angka") == 2
    assert get_settings().principal_nip == ""


def test_printed_results_carry_the_filter_and_the_signatures(client, auth, signed_school):
    administration = given_to_7a(signed_school, [3, 2, 1, 0, 3], genders="PPPPP")
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/{administration.id}/hasil"
                      f"?kelas={signed_school['class_a'].id}&jk=P").get_data(as_text=True)
    assert_printable(page, "Kelas: 7A · Jenis kelamin: Perempuan · Pengisian ")
    everyone = client.get(f"/bk/asesmen/{administration.id}/hasil").get_data(as_text=True)
    assert "Kelas: Semua kelas · Jenis kelamin: Semua" in everyone
    profile = client.get(f"/bk/asesmen/kelas/{signed_school['class_a'].id}")
    assert_printable(profile.get_data(as_text=True), "Kelas 7A")


def test_homeroom_teacher_signs_their_class_results(client, auth, signed_school):
    administration = given_to_7a(signed_school, [3, 2, 1, 0, 3])
    auth.login("wali.a")
    page = client.get(f"/wali/asesmen/{administration.id}/kelas/{signed_school['class_a'].id}")
    assert_printable(page.get_data(as_text=True), "Kelas 7A · Pengisian ",
                     counselor=("Wali kelas", "Wali A"))


@pytest.mark.parametrize("path,filter_text", [("/bk/laporan?periode=2025-08", "Periode: "),
                                              ("/bk/program?tahun=2025", "Tahun pelajaran "),
                                              ("/bk/program/semester?tahun=2025", "Semester ")])
def test_reports_are_signed_by_the_principal_and_the_coordinator(client, auth, signed_school,
                                                                 path, filter_text):
    auth.login("guru.a")
    page = client.get(path).get_data(as_text=True)
    assert_printable(page, filter_text)


def test_hours_sheet_is_signed_by_the_principal_and_its_counselor(client, auth, signed_school):
    auth.login("guru.a")
    page = client.get("/bk/jam?bulan=2025-08").get_data(as_text=True)
    assert_printable(page, "Bulan ", counselor=("Guru BK", signed_school["counselor"].full_name))


def test_rpl_is_signed_by_its_counselor_and_its_public_page_shows_no_nip(client, auth,
                                                                         signed_school):
    plan = ServicePlan(title="Cara belajar efektif", held_on=date(2025, 8, 6),
                       class_id=signed_school["class_a"].id, author=signed_school["counselor"])
    make_material(plan=plan)
    auth.login("guru.a")
    page = client.get(f"/bk/rpl/{plan.id}").get_data(as_text=True)
    assert_printable(page, "Kelas 7A", counselor=("Guru BK", "Guru BK A"))
    public = client.get("/materi/mengenal-bk/rpl").get_data(as_text=True)
    assert "SMP Negeri 3 Pati" in public and "Kelas 7A" in public
    assert PRINCIPAL_NIP not in public and "Mengetahui," not in public


def test_consent_letters_carry_the_letterhead_and_a_line_for_the_parent(client, auth,
                                                                        signed_school):
    auth.login("operator")
    page = client.get(f"/persetujuan/surat?kelas={signed_school['class_a'].id}")
    text = page.get_data(as_text=True)
    assert_printable(text, "Kelas 7A")
    assert "Orang tua/wali</p>" in text


def test_signature_lines_are_left_to_fill_in_when_nobody_is_named(client, auth, school):
    auth.login("guru.a")
    page = client.get("/bk/laporan").get_data(as_text=True)
    assert page.count('<p class="print-signer-name">..............................</p>') == 2
    assert page.count("NIP. ........................") == 2


COUNSELOR_NIP = "19850303 201001 1 003"


def test_operator_sets_a_counselors_nip_and_their_rpl_carries_it(client, auth, signed_school):
    counselor = signed_school["counselor"]
    auth.login("operator")
    accounts = client.get("/admin/akun?role=counselor").get_data(as_text=True)
    assert f'href="/admin/akun/{counselor.id}/nip"' in accounts
    response = client.post(f"/admin/akun/{counselor.id}/nip", data={"nip": f" {COUNSELOR_NIP} "})
    assert response.status_code == 303
    db.session.refresh(counselor)
    assert counselor.nip == COUNSELOR_NIP
    auth.logout()
    plan = ServicePlan(title="Cara belajar efektif", held_on=date(2025, 8, 6),
                       class_id=signed_school["class_a"].id, author=counselor)
    make_material(plan=plan)
    auth.login("guru.a")
    page = client.get(f"/bk/rpl/{plan.id}").get_data(as_text=True)
    assert_printable(page, "Kelas 7A", counselor=("Guru BK", "Guru BK A", COUNSELOR_NIP))
    # The public copy of the plan names nobody's NIP.
    assert COUNSELOR_NIP not in client.get("/materi/mengenal-bk/rpl").get_data(as_text=True)


def test_a_homeroom_teachers_nip_is_under_their_signature(client, auth, signed_school):
    signed_school["homeroom_a"].nip = "19900404 201502 2 004"
    db.session.commit()
    administration = given_to_7a(signed_school, [3, 2, 1, 0, 3])
    auth.login("wali.a")
    page = client.get(f"/wali/asesmen/{administration.id}/kelas/{signed_school['class_a'].id}")
    assert_printable(page.get_data(as_text=True), "Kelas 7A · Pengisian ",
                     counselor=("Wali kelas", "Wali A", "NIP. 19900404 201502 2 004"))


def test_a_staff_nip_must_be_18_digits_and_students_have_none(client, auth, signed_school):
    auth.login("operator")
    counselor = signed_school["counselor"]
    response = client.post(f"/admin/akun/{counselor.id}/nip", data={"nip": "12345"})
    assert response.status_code == 400
    assert "NIP terdiri dari 18 angka" in response.get_data(as_text=True)
    assert client.get(f"/admin/akun/{signed_school['student_a'].id}/nip").status_code == 404
    assert client.get(f"/admin/akun/{signed_school['admin'].id}/nip").status_code == 404


def test_setting_a_nip_is_audited(client, auth, signed_school):
    from cyberbk.audit.models import AuditEntry

    auth.login("operator")
    client.post(f"/admin/akun/{signed_school['counselor'].id}/nip", data={"nip": COUNSELOR_NIP})
    assert db.session.query(AuditEntry).filter_by(action="set_nip").count() == 1
