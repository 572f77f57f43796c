"""Each role lands on its own home page, and only its own."""

import pytest

from cyberbk.extensions import db

HOMES = {"student_a": "/siswa", "homeroom_a": "/wali", "counselor": "/bk", "admin": "/admin/"}


@pytest.mark.parametrize("person,home", HOMES.items())
def test_login_lands_on_the_roles_home(client, auth, school, person, home):
    response = auth.login(school[person].username)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200


@pytest.mark.parametrize("person", HOMES)
@pytest.mark.parametrize("home", HOMES.values())
def test_home_pages_are_reachable_by_their_role_only(client, auth, school, person, home):
    auth.login(school[person].username)
    expected = 200 if HOMES[person] == home else 403
    assert client.get(home).status_code == expected


@pytest.mark.parametrize("home", HOMES.values())
def test_logged_out_visitor_is_sent_to_login(client, school, home):
    response = client.get(home)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_htmx_request_without_login_gets_401_not_a_redirect(client, school):
    response = client.get("/siswa", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert b"<html" not in response.data


def test_homeroom_teacher_sees_own_class_list_only(client, auth, school):
    auth.login("wali.a")
    page = client.get("/wali").get_data(as_text=True)
    assert "Siswa A" in page
    assert "Siswa B" not in page


def test_student_home_shows_crisis_contacts_and_quick_exit(client, auth, school):
    from cyberbk.school.services import ensure_default_crisis_contacts

    ensure_default_crisis_contacts()
    db.session.commit()
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    assert "SAPA 129" in page
    assert 'action="/keluar-cepat"' in page


def test_staff_pages_have_no_quick_exit(client, auth, school):
    auth.login("guru.a")
    assert 'action="/keluar-cepat"' not in client.get("/bk").get_data(as_text=True)
