"""Slides from a file: a counselor's PDF (or PPTX, where LibreOffice converts it) rendered
once to page images, presented in order, and shown to students as a light page."""

import io
import re
import shutil
from dataclasses import replace

import pytest

from cyberbk.extensions import db
from cyberbk.outreach import media
from cyberbk.outreach import services
from cyberbk.outreach import uploads
from cyberbk.outreach.models import Material
from cyberbk.outreach.models import MaterialAttachment
from cyberbk.outreach.models import SlidePage
from tests.test_outreach_uploads import office_file

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdfinfo")),
    reason="pdftoppm/pdfinfo (Debian's poppler-utils) are not installed")


def pdf_with_pages(texts):
    """A small valid PDF, one 16:9 page a text, written by hand (no PDF library here)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in texts:
        stream = f"BT /F1 48 Tf 60 300 Td ({text}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


THREE_PAGES = pdf_with_pages(["Halaman satu", "Halaman dua", "Halaman tiga"])


@pytest.fixture
def material(app, school):
    material = Material(slug="materi-uji", title="Materi uji", body="# Judul\n\n---\n\nIsi")
    services.set_published(material, True)
    db.session.add(material)
    db.session.commit()
    return material


def with_tools(app, **changes):
    app.extensions[media.EXTENSION] = replace(app.extensions[media.EXTENSION], **changes)


def upload_deck(client, material, data=THREE_PAGES, name="Presentasi BK.pdf"):
    return client.post(f"/bk/materi/{material.id}/slide-berkas",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def image_urls(page):
    return re.findall(r'<img src="(/media/slide/[^"]+)"', page)


@needs_poppler
def test_counselor_uploads_a_three_page_pdf_and_presents_three_page_images_in_order(
        client, auth, material):
    auth.login("guru.a")
    response = upload_deck(client, material)
    assert response.status_code == 303
    assert "Slide tersimpan: 3 halaman." in client.get(response.location).get_data(as_text=True)
    auth.logout()

    presented = client.get("/materi/materi-uji/slide").get_data(as_text=True)
    urls = image_urls(presented)
    pages = db.session.scalars(db.select(SlidePage).order_by(SlidePage.number)).all()
    assert urls == [f"/media/slide/{page.large_name}" for page in pages]
    assert [page.number for page in pages] == [1, 2, 3]
    # Each page's text is what a screen reader reads for its image, in the page's order.
    assert [p.text for p in pages] == ["Halaman satu", "Halaman dua", "Halaman tiga"]
    positions = [presented.index(text) for text in ("Halaman satu", "Halaman dua",
                                                    "Halaman tiga")]
    assert positions == sorted(positions)
    assert "1 / 3" in presented and "3 / 3" in presented
    assert presented.count('loading="lazy"') == 2  # all but the first
    for url in urls:
        image = client.get(url)
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
        assert image.data.startswith(b"\xff\xd8\xff")
    assert media.jpeg_height(uploads.path_of(pages[0].small_name)) == 360
    assert pages[0].height == 720

    # The students' page: phone-sized images, loaded as they scroll into view.
    light = client.get("/materi/materi-uji").get_data(as_text=True)
    assert image_urls(light) == [f"/media/slide/{page.small_name}" for page in pages]
    assert light.count('loading="lazy"') == 3
    # The file itself stays downloadable.
    attachment = db.session.scalar(db.select(MaterialAttachment))
    assert attachment.kind == "pdf" and pages[0].source_id == attachment.id


@needs_poppler
def test_a_new_file_replaces_the_pages_and_their_images(client, auth, material):
    auth.login("guru.a")
    upload_deck(client, material)
    old = db.session.scalars(db.select(SlidePage)).all()
    old_files = [uploads.path_of(p.large_name) for p in old]
    old_name = old[0].small_name
    assert upload_deck(client, material, pdf_with_pages(["Baru"])).status_code == 303
    assert all(not path.exists() for path in old_files)
    assert client.get(f"/media/slide/{old_name}").status_code == 404
    assert db.session.scalar(db.select(db.func.count(SlidePage.id))) == 1
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 1


@needs_poppler
def test_removing_the_file_slides_brings_back_the_markdown_slides(client, auth, material):
    auth.login("guru.a")
    upload_deck(client, material)
    files = [uploads.path_of(p.small_name) for p in db.session.scalars(db.select(SlidePage))]
    assert client.post(f"/bk/materi/{material.id}/slide-berkas/hapus").status_code == 303
    assert all(not path.exists() for path in files)
    presented = client.get("/materi/materi-uji/slide").get_data(as_text=True)
    assert "/media/slide/" not in presented and "<h2>Judul</h2>" in presented


@needs_poppler
def test_draft_slide_images_are_for_counselors_only(client, auth, material):
    auth.login("guru.a")
    upload_deck(client, material)
    client.post(f"/bk/materi/{material.id}/jadikan-draf")
    url = f"/media/slide/{db.session.scalar(db.select(SlidePage.small_name))}"
    assert client.get(url).status_code == 200
    auth.logout()
    assert client.get(url).status_code == 404
    auth.login("siswa.a")
    assert client.get(url).status_code == 404


@needs_poppler
def test_a_file_over_the_page_limit_is_refused_and_nothing_is_kept(app, client, auth, material):
    app.config["OUTREACH_SLIDES_MAX_PAGES"] = 2
    auth.login("guru.a")
    response = upload_deck(client, material)
    assert response.status_code == 400
    assert "Berkas ini 3 halaman; paling banyak 2 halaman untuk slide." in response.get_data(
        as_text=True)
    assert not list(uploads.folder().iterdir())
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 0


@needs_poppler
def test_a_broken_pdf_is_refused_with_a_clear_message(client, auth, material):
    auth.login("guru.a")
    response = upload_deck(client, material, b"%PDF-1.4\nnot a real pdf\n%%EOF\n")
    assert response.status_code == 400
    assert "tidak bisa dibuka sebagai slide" in response.get_data(as_text=True)
    assert not list(uploads.folder().iterdir())


def test_a_pptx_is_refused_with_a_clear_message_without_libreoffice(app, client, auth,
                                                                     material):
    with_tools(app, office=None, pdftoppm="/usr/bin/pdftoppm", pdfinfo="/usr/bin/pdfinfo")
    auth.login("guru.a")
    editor = client.get(f"/bk/materi/{material.id}").get_data(as_text=True)
    assert "PPTX perlu diubah dulu ke PDF" in editor
    response = upload_deck(client, material, office_file("ppt"), "Presentasi.pptx")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Server ini tidak bisa membuka PPTX (LibreOffice belum terpasang)" in page
    assert "Save As › PDF" in page
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 0
    assert not list(uploads.folder().iterdir())


@needs_poppler
def test_a_pptx_is_converted_when_libreoffice_is_present(app, client, auth, material,
                                                         monkeypatch, tmp_path):
    with_tools(app, office="/usr/bin/soffice")
    converted = []

    def soffice(tool, source, folder, timeout):
        # What LibreOffice headless would write: the same slides as a PDF.
        converted.append((tool, source.suffix))
        pdf = tmp_path / "converted.pdf"
        pdf.write_bytes(THREE_PAGES)
        return pdf

    monkeypatch.setattr(media, "office_to_pdf", soffice)
    auth.login("guru.a")
    editor = client.get(f"/bk/materi/{material.id}").get_data(as_text=True)
    assert "Berkas slide (PDF atau PPTX)" in editor and "PPTX perlu diubah" not in editor
    assert upload_deck(client, material, office_file("ppt"), "Presentasi.pptx").status_code \
        == 303
    assert converted == [("/usr/bin/soffice", ".pptx")]
    assert db.session.scalar(db.select(db.func.count(SlidePage.id))) == 3
    assert db.session.scalar(db.select(MaterialAttachment.kind)) == "pptx"


def test_without_pdftoppm_the_editor_says_so_and_an_upload_is_refused(app, client, auth,
                                                                       material):
    with_tools(app, pdftoppm=None)
    auth.login("guru.a")
    editor = client.get(f"/bk/materi/{material.id}").get_data(as_text=True)
    assert "pdftoppm" in editor and "poppler-utils" in editor
    assert 'action="/bk/materi/%d/slide-berkas"' % material.id not in editor
    response = upload_deck(client, material)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(MaterialAttachment.id))) == 0


def test_markdown_slides_still_present_without_a_file(client, material):
    presented = client.get("/materi/materi-uji/slide").get_data(as_text=True)
    assert presented.count('class="op-slide"') == 2
    assert "<h2>Judul</h2>" in presented and "2 / 2" in presented
