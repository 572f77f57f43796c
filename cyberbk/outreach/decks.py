"""A material's slides from a file: a PDF (or a PPTX, where LibreOffice converts it) whose
pages are rendered to images once, at upload, and shown instead of the Markdown's slides."""

import logging
import secrets
import tempfile

from flask import current_app
from flask_babel import gettext as _

from . import media
from . import services
from . import uploads
from .models import SlidePage

log = logging.getLogger("cyberbk.outreach")
DECK_KINDS = ("pdf", "pptx")


def refusal_without_renderer():
    """Why a file cannot become slides on this server, or None when it can."""
    if not media.tools().renders_pdf:
        return _("Server ini belum bisa mengubah PDF menjadi slide: program pdftoppm "
                 "(paket poppler-utils) belum terpasang. Minta petugas TI memasangnya; "
                 "sementara itu PDF tetap bisa dilampirkan untuk diunduh.")
    return None


def render_file(found, source, kind, folder, prefix, max_pages, timeout):
    """The file's pages as images in `folder` (media.render_pdf), a PPTX converted first."""
    with tempfile.TemporaryDirectory() as work:
        pdf = media.office_to_pdf(found.office, source, work, timeout) if kind == "pptx" \
            else source
        return media.render_pdf(found, pdf, folder, prefix, max_pages, timeout)


def add_deck(material, storage):
    """Keep an uploaded PDF or PPTX as the material's file and its pages as its slides,
    in place of the ones before; raises uploads.UploadRefused with the reason."""
    refusal = refusal_without_renderer()
    if refusal:
        raise uploads.UploadRefused(refusal)
    config = current_app.config
    found = media.tools()
    stored_name, kind, size = services.store_attachment(storage, DECK_KINDS)
    if kind == "pptx" and not found.office:
        uploads.remove(stored_name)
        raise uploads.UploadRefused(_(
            "Server ini tidak bisa membuka PPTX (LibreOffice belum terpasang). Simpan dulu "
            "presentasinya sebagai PDF (di PowerPoint: File › Save As › PDF; di Google Slides: "
            "File › Download › PDF), lalu unggah PDF-nya."))
    prefix = f"slide-{secrets.token_hex(6)}"
    try:
        rendered = media.RENDERING.run(
            render_file, found, uploads.path_of(stored_name), kind, uploads.folder(), prefix,
            config["OUTREACH_SLIDES_MAX_PAGES"], config["OUTREACH_SLIDES_TIMEOUT"])
    except (media.TooManyPages, media.MediaFailed) as error:
        uploads.remove(stored_name)
        for stale in uploads.folder().glob(f"{prefix}-*"):
            stale.unlink(missing_ok=True)
        if isinstance(error, media.TooManyPages):
            raise uploads.UploadRefused(_(
                "Berkas ini %(pages)d halaman; paling banyak %(max)d halaman untuk slide. "
                "Bagi menjadi beberapa materi.", pages=error.pages,
                max=config["OUTREACH_SLIDES_MAX_PAGES"])) from error
        log.warning("slides of %s not rendered: %s", storage.filename, error)
        raise uploads.UploadRefused(_(
            "Berkas ini tidak bisa dibuka sebagai slide (rusak, terkunci sandi, atau terlalu "
            "rumit). Coba simpan ulang sebagai PDF, lalu unggah lagi.")) from error
    replaced = {page.source_id for page in material.pages} - {None}
    remove_pages(material)
    for old in list(material.attachments):
        if old.id in replaced:
            services.delete_attachment(old)
    attachment = services.attach(material, storage, stored_name, kind, size)
    for page in rendered:
        material.pages.append(SlidePage(
            number=page.number, small_name=page.images[640], large_name=page.images[1280],
            height=page.height, text=page.text[:20000], source=attachment))
    return attachment


def remove_pages(material):
    """Back to the Markdown's slides: the page images go, the file stays attached."""
    for page in list(material.pages):
        uploads.remove(page.small_name)
        uploads.remove(page.large_name)
        material.pages.remove(page)


def page_alt(page, total):
    return _("Slide %(num)d dari %(total)d", num=page.number, total=total)
