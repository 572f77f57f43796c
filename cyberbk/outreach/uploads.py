"""Uploaded files: their type read from the bytes (never the name), their size, their storage.

Files live in instance/uploads/outreach/ under a random name; the name a counselor
gave is kept in the database only, for the download.
"""

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from ..common import files


@dataclass(frozen=True)
class Kind:
    extension: str
    mimetype: str
    label: str
    #: Documents download; images and video show in the page.
    download: bool


KINDS = {kind.extension: kind for kind in (
    Kind("pdf", "application/pdf", "PDF", True),
    Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "PPTX", True),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "DOCX", True),
    Kind("png", "image/png", "PNG", False),
    Kind("jpg", "image/jpeg", "JPG", False),
    Kind("mp4", "video/mp4", "MP4", False),
    Kind("vtt", "text/vtt", "WebVTT", False),
)}
ATTACHMENT_KINDS = ("pdf", "pptx", "docx", "png", "jpg")
IMAGE_KINDS = ("png", "jpg")
# MP4 brands that phones' browsers play; QuickTime ("qt  ") and 3GP also say "ftyp".
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
              b"dash", b"mmp4", b"MSNV"}
OFFICE_FOLDERS = {"ppt/": "pptx", "word/": "docx"}


class UploadRefused(Exception):
    """The upload is not taken; the message says why, for the counselor."""


def folder():
    path = Path(current_app.instance_path) / "uploads" / "outreach"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name):
    return folder() / stored_name


def human_size(size):
    """'12,3 MB' (with the reader's decimal sign)."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), format="#,##0.#"))
    return _("%(size)s KB", size=format_decimal(max(size / 1024, 1), format="#,##0"))


def megabytes(size):
    """'0,7 MB': a video's size as a student on mobile data counts it."""
    return _("%(size)s MB", size=format_decimal(max(size / (1024 * 1024), 0.1),
                                                format="#,##0.0"))


def _office_kind(stream):
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for prefix, kind in OFFICE_FOLDERS.items()
                 if any(name.startswith(prefix) for name in names)), None)


def sniff(stream):
    """The kind of the file in `stream` from its first bytes, or None for anything else."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(stream)
        stream.seek(0)
        return kind
    return None


def stream_size(stream):
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def store(storage, kinds, max_bytes, prefix):
    """Check and save an uploaded FileStorage: (stored name, kind, size) or UploadRefused."""
    if storage is None or not storage.filename:
        raise UploadRefused(_("Pilih dulu berkasnya."))
    size = stream_size(storage.stream)
    if size == 0:
        raise UploadRefused(_("Berkas ini kosong."))
    if size > max_bytes:
        raise UploadRefused(_("Berkas terlalu besar (%(size)s). Paling besar %(max)s.",
                              size=human_size(size), max=human_size(max_bytes)))
    kind = sniff(storage.stream)
    if kind not in kinds:
        labels = ", ".join(KINDS[k].label for k in kinds)
        raise UploadRefused(_("Jenis berkas ini tidak bisa dipakai. Yang bisa: %(kinds)s.",
                              kinds=labels))
    stored_name = f"{prefix}-{secrets.token_hex(8)}.{kind}"
    files.save(path_of(stored_name), storage.stream)
    return stored_name, kind, size


def remove(stored_name):
    if stored_name:
        path_of(stored_name).unlink(missing_ok=True)
