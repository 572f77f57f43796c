"""Outreach uploads: kind read from the bytes, size limits, storage, downloads, video ranges."""

import io
import zipfile
from pathlib import Path

from dataclasses import replace

import pytest

from cyberbk.extensions import db
from cyberbk.outreach import media
from cyberbk.outreach import services
from cyberbk.outreach import uploads
from cyberbk.outreach.models import Material
from cyberbk.outreach.models import MaterialAttachment
from cyberbk.outreach.models import VideoSource
from tests.conftest import csrf_token_from

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# An MP4 starts with an "ftyp" box naming its brand; the rest here is filler.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 40
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64


def office_file(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture
def material(app, school):
    material = Material(slug="materi-uji", title="Materi uji")
    services.set_published(material, True)
    db.session.add(material)
    db.session.commit()
    return material


def upload(client, material, data, name):
    return client.post(f"/bk/materi/{material.id}/lampiran",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("data,expected", [
    (PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (MP4, "mp4"),
    (office_file("ppt"), "pptx"), (office_file("word"), "docx"),
    (office_file("xl"), None), (MOV, None), (b"MZ\x90\x00 program", None),
    (b"<html><script>alert(1)</script>", None), (b"PK\x03\x04 not really a zip", None),
])
def test_file_kind_is_read_from_the_bytes(data, expected):
    assert uploads.sniff(io.BytesIO(data)) == expected


def test_attachment_is_stored_and_downloads_with_its_name_and_type(client, auth, material):
    auth.login("guru.a")
    assert upload(client, material, PDF, "Materi BK kelas 7.pdf").status_code == 303
    attachment = db.session.scalar(db.select(MaterialAttachment))
    stored = uploads.path_of(attachment.stored_name)
    assert stored.read_bytes() == PDF
    assert stored.parent.name == "outreach" and stored.parent.parent.name == "uploads"
    assert "Materi" not in attachment.stored_name
    auth.logout()
    response = client.get(f"/media/lampiran/{attachment.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Materi BK kelas 7.pdf" in response.headers["Content-Disposition"]
    assert response.data == PDF


def test_presentation_downloads_as_pptx_and_image_shows_inline(client, auth, material):
    auth.login("guru.a")
    upload(client, material, office_file("ppt"), "slide.pptx")
    upload(client, material, PNG, "foto.png")
    pptx, png = db.session.scalars(db.select(MaterialAttachment)
                                   .order_by(MaterialAttachment.id)).all()
    slides = client.get(f"/media/lampiran/{pptx.id}")
    assert slides.mimetype.endswith("presentationml.presentation")
    assert slides.headers["Content-Disposition"].startswith("attachment")
    image = client.get(f"/media/lampiran/{png.id}")
    assert image.mimetype == "image/png"
    assert image.headers["Content-Disposition"].startswith("inline")


def test_download_name_follows_the_content_not_the_given_name(client, auth, material):
    auth.login("guru.a")
    upload(client, material, PDF, "jadwal.pptx")
    attachment = db.session.scalar(db.select(MaterialAttachment))
    assert attachment.kind == "pdf"
    assert "jadwal.pdf" in client.get(f"/media/lampiran/{attachment.id}").headers[
        "Content-Disposition"]


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00 program", "materi.pdf"),
    (b"<html><script>alert(1)</script></html>", "materi.html"),
    (office_file("xl"), "nilai.xlsx"),
    (MP4, "video.mp4"),
])
def test_attachment_of_the_wrong_kind_is_refused_with_a_clear_message(client, auth, material,
                                                                      data, name):
    auth.login("guru.a")
    response = upload(client, material, data, name)
    assert response.status_code == 400
    assert "Jenis berkas ini tidak bisa dipakai. Yang bisa: PDF, PPTX, DOCX, PNG, JPG." in \
        response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 0
    assert list(uploads.folder().iterdir()) == []


def test_attachment_over_the_limit_is_refused_with_its_size(app, client, auth, material):
    app.config["OUTREACH_ATTACHMENT_MAX_BYTES"] = 1024
    auth.login("guru.a")
    response = upload(client, material, PDF + b"x" * 3000, "besar.pdf")
    assert response.status_code == 400
    assert "Berkas terlalu besar (3 KB). Paling besar 1 KB." in response.get_data(as_text=True)


def test_empty_or_missing_file_is_refused(client, auth, material):
    auth.login("guru.a")
    assert "Berkas ini kosong." in upload(client, material, b"", "kosong.pdf").get_data(
        as_text=True)
    response = client.post(f"/bk/materi/{material.id}/lampiran", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "Pilih dulu berkasnya." in response.get_data(
        as_text=True)


def test_deleting_an_attachment_removes_its_file(client, auth, material):
    auth.login("guru.a")
    upload(client, material, PDF, "a.pdf")
    attachment = db.session.scalar(db.select(MaterialAttachment))
    stored = uploads.path_of(attachment.stored_name)
    client.post(f"/bk/materi/{material.id}/lampiran/{attachment.id}/hapus")
    assert not stored.exists()
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 0


def test_attachment_of_another_material_cannot_be_deleted_through_this_one(client, auth,
                                                                          material):
    other = Material(slug="lain", title="Lain")
    db.session.add(other)
    db.session.commit()
    auth.login("guru.a")
    upload(client, material, PDF, "a.pdf")
    attachment = db.session.scalar(db.select(MaterialAttachment))
    assert client.post(f"/bk/materi/{other.id}/lampiran/{attachment.id}/hapus").status_code == 404


def test_attachment_of_a_draft_is_hidden_from_the_public(client, auth, material):
    auth.login("guru.a")
    upload(client, material, PDF, "a.pdf")
    client.post(f"/bk/materi/{material.id}/jadikan-draf")
    attachment = db.session.scalar(db.select(MaterialAttachment))
    assert client.get(f"/media/lampiran/{attachment.id}").status_code == 200
    auth.logout()
    assert client.get(f"/media/lampiran/{attachment.id}").status_code == 404


def test_deleting_a_material_removes_its_files(client, auth, material):
    auth.login("guru.a")
    upload(client, material, PDF, "a.pdf")
    stored = uploads.path_of(db.session.scalar(db.select(MaterialAttachment)).stored_name)
    assert client.post(f"/bk/materi/{material.id}/hapus").status_code == 303
    assert not stored.exists()
    assert client.get("/materi/materi-uji").status_code == 404


# --- the guide video ------------------------------------------------------------------------------

@pytest.fixture
def without_ffmpeg(app):
    """A server without ffmpeg keeps the MP4 as sent (the files here are not real videos;
    test_outreach_video.py transcodes real ones)."""
    app.extensions[media.EXTENSION] = replace(app.extensions[media.EXTENSION], ffmpeg=None)


def upload_video(client, video=MP4, name="panduan.mp4", poster=None):
    data = {"video": (io.BytesIO(video), name)}
    if poster is not None:
        data["poster"] = (io.BytesIO(poster[0]), poster[1])
    return client.post("/bk/panduan/video", data=data, content_type="multipart/form-data")


def test_video_upload_serves_ranges_with_206_and_the_right_bytes(client, auth, school,
                                                                 without_ffmpeg):
    auth.login("guru.a")
    assert upload_video(client, poster=(PNG, "sampul.png")).status_code == 303
    auth.logout()
    settings = services.get_settings()
    url = f"/media/video/{settings.video_filename}"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.mimetype == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.data == MP4
    part = client.get(url, headers={"Range": "bytes=100-299"})
    assert part.status_code == 206
    assert part.data == MP4[100:300]
    assert part.headers["Content-Range"] == f"bytes 100-299/{len(MP4)}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == MP4[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={len(MP4) + 10}-"})
    assert beyond.status_code == 416
    cover = client.get(f"/media/video/{settings.video_poster_filename}")
    assert cover.mimetype == "image/png"


def test_guide_page_shows_the_video_size_before_it_is_played(client, auth, school, without_ffmpeg):
    auth.login("guru.a")
    upload_video(client)
    auth.logout()
    page = client.get("/panduan").get_data(as_text=True)
    size = uploads.megabytes(len(MP4))
    # A link that looks like a player: nothing of the video loads, not even a poster.
    assert "<video" not in page and "poster=" not in page
    assert f"Video {size}. Baru dimuat setelah kamu mengetuk." in page
    name = services.get_settings().video_filename
    assert f'href="/media/video/{name}" hx-get="/panduan?putar=1"' in page
    tapped = client.get("/panduan?putar=1", headers={"HX-Request": "true",
                                                     "HX-Target": "video"})
    player = tapped.get_data(as_text=True)
    assert 'preload="none"' in player and "autoplay" in player
    assert f"Ukuran video {size}" in player


def test_replacing_the_video_retires_the_old_file_and_address(client, auth, school, without_ffmpeg):
    auth.login("guru.a")
    upload_video(client)
    old = services.get_settings().video_filename
    upload_video(client)
    db.session.expire_all()
    new = services.get_settings().video_filename
    assert new != old
    assert not uploads.path_of(old).exists()
    assert client.get(f"/media/video/{old}").status_code == 404
    assert client.get(f"/media/video/{new}").status_code == 200


def test_removing_the_video_leaves_the_steps(client, auth, school, without_ffmpeg):
    auth.login("guru.a")
    upload_video(client)
    name = services.get_settings().video_filename
    assert client.post("/bk/panduan/video/hapus").status_code == 303
    db.session.expire_all()
    assert services.get_settings().video_source == VideoSource.NONE
    assert not uploads.path_of(name).exists()
    assert client.get(f"/media/video/{name}").status_code == 404
    assert "Pilih waktu" in client.get("/panduan").get_data(as_text=True)


@pytest.mark.parametrize("data,name", [(MOV, "rekaman.mov"), (PDF, "panduan.mp4"),
                                       (PNG, "panduan.mp4")])
def test_video_must_be_mp4_by_content(client, auth, school, data, name, without_ffmpeg):
    auth.login("guru.a")
    response = upload_video(client, data, name)
    assert response.status_code == 400
    assert "Yang bisa: MP4." in response.get_data(as_text=True)
    assert services.get_settings().video_source == VideoSource.NONE


def test_video_cover_must_be_a_small_image(app, client, auth, school, without_ffmpeg):
    auth.login("guru.a")
    response = upload_video(client, poster=(PDF, "sampul.png"))
    assert response.status_code == 400
    assert "Yang bisa: PNG, JPG." in response.get_data(as_text=True)
    app.config["OUTREACH_IMAGE_MAX_BYTES"] = 16
    response = upload_video(client, poster=(PNG, "sampul.png"))
    assert response.status_code == 400 and "Berkas terlalu besar" in response.get_data(
        as_text=True)
    assert list(Path(uploads.folder()).iterdir()) == []


def test_video_over_its_limit_is_refused(app, client, auth, school, without_ffmpeg):
    app.config["OUTREACH_VIDEO_MAX_BYTES"] = 1024
    auth.login("guru.a")
    response = upload_video(client)
    assert response.status_code == 400
    assert "Paling besar 1 KB." in response.get_data(as_text=True)


def test_video_may_be_larger_than_other_uploads(app, client, auth, school, without_ffmpeg):
    """CSRFProtect reads the form before the view: the video's own limit must apply by then."""
    auth.login("guru.a")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_from(client.get("/bk/panduan"))
    response = client.post("/bk/panduan/video", content_type="multipart/form-data",
                           data={"csrf_token": token, "video": (io.BytesIO(MP4), "v.mp4")})
    assert len(MP4) > 2048
    assert response.status_code == 303
    material = client.post("/bk/materi/baru", data={"csrf_token": token, "title": "x" * 4000})
    assert material.status_code == 413
