"""Crisis contacts carry numbers a phone can tap: the operator's settings check them, and
every crisis block shows tel: and wa.me links written for Indonesia."""

import pytest

from cyberbk.extensions import db
from cyberbk.school import phones
from cyberbk.school.models import CrisisContact
from cyberbk.school.services import ensure_default_crisis_contacts


@pytest.mark.parametrize("text,stored", [
    ("129", "129"), ("119 ext 8", "119,8"), ("119 ekstensi 8", "119,8"),
    ("08111-129-129", "+628111129129"), ("+62 812 0000 0001", "+6281200000001"),
    ("(0295) 381234", "+62295381234"), ("62811129129", "+62811129129"),
])
def test_phone_numbers_are_stored_for_tel_links(text, stored):
    assert phones.parse_phone(text) == stored


@pytest.mark.parametrize("text", ["", "abc", "12", "0812", "0812-3456-7890-1234", "999",
                                  "+1 202 555 0100", "0812 3456 7890 ext", "tel:129"])
def test_bad_phone_numbers_are_refused(text):
    assert phones.parse_phone(text) is None


def test_whatsapp_numbers_are_written_as_wa_me_wants_them():
    assert phones.parse_whatsapp("08111-129-129") == "628111129129"
    assert phones.wa_href("628111129129") == "https://wa.me/628111129129"
    assert phones.parse_whatsapp("129") is None
    assert phones.parse_whatsapp("(0295) 381234") is None  # a landline has no WhatsApp
    assert phones.display("628111129129") == "0811-1129-129"
    assert phones.display("119,8") == "119 ekstensi 8"


def test_national_defaults_have_their_numbers(app, school):
    ensure_default_crisis_contacts()
    db.session.commit()
    sapa = db.session.scalar(db.select(CrisisContact).where(CrisisContact.phone == "129"))
    assert sapa.tel_href == "tel:129" and sapa.whatsapp_href == "https://wa.me/628111129129"
    assert db.session.scalar(db.select(CrisisContact).where(CrisisContact.phone == "119,8"))


def test_operator_adds_a_contact_with_numbers(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/pengaturan/kontak-darurat", data={
        "new-name": "TPPK Sekolah", "new-contact": "Ruang TPPK", "new-phone": "0812-3456-7890",
        "new-whatsapp": "0812 3456 7890"})
    assert response.status_code == 303
    contact = db.session.scalar(db.select(CrisisContact).where(CrisisContact.name == "TPPK Sekolah"))
    assert (contact.phone, contact.whatsapp) == ("+6281234567890", "6281234567890")


@pytest.mark.parametrize("field,value,message", [
    ("phone", "12345abc", "Nomor telepon tidak dikenali"),
    ("whatsapp", "(0295) 381234", "Nomor WhatsApp harus nomor HP Indonesia"),
])
def test_a_bad_number_gets_a_clear_message(client, auth, school, field, value, message):
    auth.login("operator")
    client.post("/admin/pengaturan/kontak-darurat", data={
        "new-name": "X", "new-contact": "Y", f"new-{field}": value})
    assert db.session.scalar(db.select(CrisisContact).where(CrisisContact.name == "X")) is None
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert message in page


def test_editing_keeps_and_checks_numbers(client, auth, school):
    ensure_default_crisis_contacts()
    db.session.commit()
    sapa = db.session.scalar(db.select(CrisisContact).where(CrisisContact.phone == "129"))
    auth.login("operator")
    page = client.get(f"/admin/pengaturan/kontak-darurat/{sapa.id}").get_data(as_text=True)
    assert 'value="0811-1129-129"' in page
    response = client.post(f"/admin/pengaturan/kontak-darurat/{sapa.id}", data={
        "name": sapa.name, "contact": sapa.contact, "phone": "129", "whatsapp": "bukan nomor"})
    assert response.status_code == 400
    assert "Nomor WhatsApp harus nomor HP Indonesia" in response.get_data(as_text=True)


def test_the_problem_box_shows_tappable_contacts_after_an_urgent_story(client, school):
    ensure_default_crisis_contacts()
    db.session.commit()
    page = client.post("/kotak", data={"body": "rasanya pengen nyudahin hidup aja"}).get_data(
        as_text=True)
    assert 'href="tel:129"' in page and 'href="https://wa.me/628111129129"' in page
    assert 'href="tel:119,8"' in page
    assert "Kalau sekarang kamu sedang dalam bahaya" in page
