"""The school operator's pages, and that nobody else can use them."""

import io

import pytest
import sqlalchemy as sa

from cyberbk.extensions import db
from cyberbk.school.models import CrisisContact
from cyberbk.school.services import get_settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ADMIN_PAGES = ["/admin/", "/admin/akun", "/admin/impor", "/admin/pengaturan"]
ADMIN_POSTS = ["/admin/akun/1/reset-sandi", "/admin/akun/1/status", "/admin/impor",
               "/admin/pengaturan", "/admin/pengaturan/kontak-darurat",
               "/admin/pengaturan/kontak-darurat/1", "/admin/pengaturan/kontak-darurat/1/hapus"]


@pytest.mark.parametrize("person", ["student_a", "homeroom_a", "counselor"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_the_operator_only(client, auth, school, person, path):
    auth.login(school[person].username)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("person", ["student_a", "homeroom_a", "counselor"])
@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_admin_actions_are_for_the_operator_only(client, auth, school, person, path):
    auth.login(school[person].username)
    assert client.post(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_open_for_the_operator(client, auth, school, path):
    auth.login("operator")
    assert client.get(path).status_code == 200


def test_accounts_can_be_filtered_by_class_and_name(client, auth, school):
    auth.login("operator")
    page = client.get(f"/admin/akun?school_class={school['class_a'].id}").get_data(as_text=True)
    assert "Siswa A" in page and "Siswa B" not in page
    page = client.get("/admin/akun?q=guru").get_data(as_text=True)
    assert "Guru BK A" in page and "Siswa A" not in page


def test_reset_password_shows_a_new_one_once_and_forces_a_change(client, auth, school):
    auth.login("operator")
    page = client.post(f"/admin/akun/{school['student_a'].id}/reset-sandi").get_data(as_text=True)
    password = page.split('<code class="secret">')[1].split("<")[0]
    db.session.refresh(school["student_a"])
    assert school["student_a"].check_password(password)
    assert school["student_a"].must_change_password


def test_deactivated_account_is_logged_out_and_cannot_log_in(app, school):
    student, operator = app.test_client(), app.test_client()
    student.post("/login", data={"username": "siswa.a", "password": "rahasia-123"})
    operator.post("/login", data={"username": "operator", "password": "rahasia-123"})
    operator.post(f"/admin/akun/{school['student_a'].id}/status")
    assert student.get("/siswa").status_code == 302
    response = student.post("/login", data={"username": "siswa.a", "password": "rahasia-123"})
    assert response.status_code == 401


def test_operator_cannot_deactivate_self(client, auth, school):
    auth.login("operator")
    client.post(f"/admin/akun/{school['admin'].id}/status")
    db.session.refresh(school["admin"])
    assert school["admin"].is_active_account


def test_unknown_account_is_404(client, auth, school):
    auth.login("operator")
    assert client.post("/admin/akun/9999/reset-sandi").status_code == 404


def test_school_settings_are_saved(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={
        "name": "SMP Negeri 3 Pati", "address": "Pati", "counselor_contacts": "Bu Rina",
        "service_hours": "Senin–Jumat"})
    assert response.status_code == 303
    assert get_settings().name == "SMP Negeri 3 Pati"
    assert "SMP Negeri 3 Pati" in client.get("/admin/").get_data(as_text=True)


def test_logo_upload_is_checked_by_content(app, client, auth, school):
    auth.login("operator")
    fake = client.post("/admin/pengaturan", data={"name": "Sekolah", "logo": (io.BytesIO(b"<svg/>"), "logo.png")},
                       content_type="multipart/form-data")
    assert fake.status_code == 400
    assert "bukan gambar PNG atau JPG" in fake.get_data(as_text=True)
    good = client.post("/admin/pengaturan", data={"name": "Sekolah", "logo": (io.BytesIO(PNG), "logo.png")},
                       content_type="multipart/form-data")
    assert good.status_code == 303
    logo = client.get("/logo")
    assert logo.status_code == 200 and logo.data == PNG
    assert logo.mimetype == "image/png"


def test_empty_school_name_is_refused(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={"name": ""})
    assert response.status_code == 400
    assert "Bagian ini wajib diisi." in response.get_data(as_text=True)


def test_crisis_contacts_can_be_added_edited_and_removed(client, auth, school):
    auth.login("operator")
    client.post("/admin/pengaturan/kontak-darurat",
                data={"new-name": "TPPK", "new-contact": "0812", "new-description": "Tim sekolah"})
    contact = db.session.scalar(sa.select(CrisisContact).where(CrisisContact.name == "TPPK"))
    client.post(f"/admin/pengaturan/kontak-darurat/{contact.id}",
                data={"name": "TPPK Sekolah", "contact": "0813", "description": ""})
    db.session.refresh(contact)
    assert (contact.name, contact.contact) == ("TPPK Sekolah", "0813")
    contact_id = contact.id
    client.post(f"/admin/pengaturan/kontak-darurat/{contact_id}/hapus")
    db.session.expire_all()
    assert db.session.get(CrisisContact, contact_id) is None
