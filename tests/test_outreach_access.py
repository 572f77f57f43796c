"""Who may use each outreach route: every route × every role, against a declared expectation."""

import io

import pytest
from flask import url_for

from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from cyberbk.outreach import media
from cyberbk.outreach import services
from cyberbk.outreach import uploads
from cyberbk.outreach.models import Material
from cyberbk.outreach.models import MaterialAttachment
from cyberbk.outreach.models import ServicePlan
from cyberbk.outreach.models import SlidePage
from tests.test_outreach_uploads import JPG
from tests.test_outreach_uploads import MP4
from tests.test_outreach_uploads import PDF

PEOPLE = ("anonymous", "student_a", "homeroom_a", "counselor", "counselor_b", "admin")
ROLE_OF = {"student_a": Role.STUDENT, "homeroom_a": Role.HOMEROOM, "counselor": Role.COUNSELOR,
           "counselor_b": Role.COUNSELOR, "admin": Role.ADMIN}
PUBLIC = "public"
COUNSELORS = {Role.COUNSELOR}

# endpoint: (who may use it, method, URL arguments from the `outreach` fixture)
ROUTES = {
    "outreach.service": (PUBLIC, "GET", None),
    "outreach.guide": (PUBLIC, "GET", None),
    "outreach.materials": (PUBLIC, "GET", None),
    "outreach.material": (PUBLIC, "GET", lambda o: {"slug": "terbit"}),
    "outreach.slides": (PUBLIC, "GET", lambda o: {"slug": "terbit"}),
    "outreach.material_plan": (PUBLIC, "GET", lambda o: {"slug": "terbit"}),
    "outreach.attachment": (PUBLIC, "GET", lambda o: {"attachment_id": o["attachment"].id}),
    "outreach.video_file": (PUBLIC, "GET", lambda o: {"name": o["video"]}),
    "outreach.slide_image": (PUBLIC, "GET", lambda o: {"name": o["page"].small_name}),
    "outreach.poster": (PUBLIC, "GET", None),
    "outreach.poster_pdf": (PUBLIC, "GET", None),
    "outreach.poster_png": (PUBLIC, "GET", None),
    "outreach.qr": (PUBLIC, "GET", lambda o: {"u": "/kotak"}),
    "outreach.hub": (COUNSELORS, "GET", None),
    "outreach.edit_service": (COUNSELORS, "GET", None),
    "outreach.edit_poster": (COUNSELORS, "GET", None),
    "outreach.edit_guide": (COUNSELORS, "GET", None),
    "outreach.upload_video": (COUNSELORS, "POST", None),
    "outreach.set_youtube": (COUNSELORS, "POST", None),
    "outreach.remove_video": (COUNSELORS, "POST", None),
    "outreach.make_video": (COUNSELORS, "POST", None),
    "outreach.material_list": (COUNSELORS, "GET", None),
    "outreach.new_material": (COUNSELORS, "GET", None),
    "outreach.edit_material": (COUNSELORS, "GET", lambda o: {"material_id": o["draft"].id}),
    "outreach.publish_material": (COUNSELORS, "POST", lambda o: {"material_id": o["draft"].id}),
    "outreach.unpublish_material": (COUNSELORS, "POST",
                                    lambda o: {"material_id": o["draft"].id}),
    "outreach.delete_material": (COUNSELORS, "POST", lambda o: {"material_id": o["draft"].id}),
    "outreach.add_attachment": (COUNSELORS, "POST", lambda o: {"material_id": o["draft"].id}),
    "outreach.add_deck": (COUNSELORS, "POST", lambda o: {"material_id": o["draft"].id}),
    "outreach.remove_deck": (COUNSELORS, "POST", lambda o: {"material_id": o["draft"].id}),
    "outreach.delete_attachment": (COUNSELORS, "POST", lambda o: {
        "material_id": o["material"].id, "attachment_id": o["attachment"].id}),
    "outreach.plan_list": (COUNSELORS, "GET", None),
    "outreach.new_plan": (COUNSELORS, "GET", None),
    "outreach.plan": (COUNSELORS, "GET", lambda o: {"plan_id": o["plan"].id}),
    "outreach.edit_plan": (COUNSELORS, "GET", lambda o: {"plan_id": o["plan"].id}),
    "outreach.delete_plan": (COUNSELORS, "POST", lambda o: {"plan_id": o["plan"].id}),
}
# Last, in this order: they take away what the routes above use.
DESTRUCTIVE = ("outreach.delete_attachment", "outreach.remove_video", "outreach.delete_material",
               "outreach.delete_plan")


@pytest.fixture
def outreach(app, school):
    # Access only: no ffmpeg or pdftoppm runs (the upload is kept as sent, the video is not
    # made, the slide page below is written as rendering would).
    app.extensions[media.EXTENSION] = media.Tools()
    plan = ServicePlan(title="RPL uji")
    material = Material(slug="terbit", title="Terbit", body="a\n---\nb", plan=plan)
    services.set_published(material, True)
    draft = Material(slug="draf", title="Draf")
    db.session.add_all([plan, material, draft])
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "guru.b", "password": "rahasia-123"})
    client.post(f"/bk/materi/{material.id}/lampiran", content_type="multipart/form-data",
                data={"file": (io.BytesIO(PDF), "a.pdf")})
    client.post("/bk/panduan/video", content_type="multipart/form-data",
                data={"video": (io.BytesIO(MP4), "v.mp4")})
    page = SlidePage(material=material, number=1, small_name="slide-uji-1-640.jpg",
                     large_name="slide-uji-1-1280.jpg", text="Halaman 1")
    db.session.add(page)
    db.session.commit()
    uploads.path_of(page.small_name).write_bytes(JPG)
    return {**school, "plan": plan, "material": material, "draft": draft, "page": page,
            "attachment": db.session.scalar(db.select(MaterialAttachment)),
            "video": services.get_settings().video_filename}


def test_every_outreach_route_has_a_declared_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("outreach.")}
    assert endpoints == set(ROUTES)


def mismatch(access, person, response):
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if access == PUBLIC or (person != "anonymous" and ROLE_OF[person] in access):
        if status in (401, 403, 404):
            return f"refused with {status}"
        if status in (302, 303) and response.headers["Location"].startswith("/login"):
            return "sent to login"
        return None
    if person == "anonymous":
        ok = status == 302 and response.headers["Location"].startswith("/login")
        return None if ok else f"anonymous got {status}"
    return None if status == 403 else f"not refused: {status}"


@pytest.mark.parametrize("person", PEOPLE)
def test_outreach_routes_answer_each_role_as_declared(app, client, auth, outreach, person):
    if person != "anonymous":
        auth.login(outreach[person].username)
    order = sorted(ROUTES, key=lambda e: (e in DESTRUCTIVE and DESTRUCTIVE.index(e) + 1,
                                          ROUTES[e][1] == "POST", e))
    problems = []
    for endpoint in order:
        access, method, arguments = ROUTES[endpoint]
        with app.test_request_context():
            url = url_for(endpoint, **(arguments(outreach) if arguments else {}))
        problem = mismatch(access, person, client.open(url, method=method))
        if problem:
            problems.append(f"{method} {url} ({endpoint}): {problem}")
    assert problems == []


@pytest.mark.parametrize("person", ["student_a", "homeroom_a", "admin"])
def test_only_counselors_change_outreach_content(client, auth, outreach, person):
    auth.login(outreach[person].username)
    client.post("/bk/outreach/layanan", data={"about": "Diubah"})
    client.post(f"/bk/materi/{outreach['draft'].id}/terbitkan")
    client.post("/bk/materi/baru", data={"title": "Baru", "body": "", "plan_id": ""})
    assert "Diubah" not in client.get("/layanan").get_data(as_text=True)
    assert client.get("/materi/draf").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Material.id))) == 2
