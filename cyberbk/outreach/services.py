import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..assessments.models import Administration
from ..assessments.models import about_counseling
from ..assessments.models import class_condition
from ..common import signals
from ..common.links import public_address
from ..common.schooltime import utcnow
from ..extensions import db
from ..school.services import get_settings as school_settings
from . import content
from . import markup
from . import uploads
from .models import GuideStep
from .models import Material
from .models import MaterialAttachment
from .models import MaterialStatus
from .models import OutreachSettings
from .models import VideoSource

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be",
                 "www.youtube-nocookie.com", "youtube-nocookie.com"}


# --- settings and the service page ---------------------------------------------------

def get_settings():
    """The outreach settings row, written empty (built-in texts) on first use: the caller's
    commit keeps it."""
    settings = db.session.get(OutreachSettings, 1)
    if settings is None:
        settings = OutreachSettings(id=1)
        db.session.add(settings)
        db.session.flush()  # the columns' defaults
    return settings


def service_sections(settings=None):
    """[(key, heading, HTML)] of /layanan: the counselors' text or the built-in one."""
    settings = settings or get_settings()
    return [(key, heading, markup.render(getattr(settings, key) or str(default), 2,
                                         public_address("")))
            for key, (heading, default) in content.SERVICE_SECTIONS.items()]


def service_text(settings, key):
    """What the editing form shows: the saved text, or the built-in one to start from."""
    return getattr(settings, key) or str(content.SERVICE_SECTIONS[key][1])


def unless_builtin(text, builtin):
    """The text to save: "" for the built-in text unchanged, so it keeps following the
    translations."""
    text = (text or "").strip()
    return "" if text == str(builtin).strip() else text


def save_service_text(settings, key, text):
    setattr(settings, key, unless_builtin(text, content.SERVICE_SECTIONS[key][1]))


def poster_texts(settings=None):
    settings = settings or get_settings()
    return (settings.poster_headline or str(content.POSTER_HEADLINE),
            settings.poster_tagline or str(content.POSTER_TAGLINE))


def save_poster_texts(settings, headline, tagline):
    settings.poster_headline = unless_builtin(headline, content.POSTER_HEADLINE)
    settings.poster_tagline = unless_builtin(tagline, content.POSTER_TAGLINE)


# --- the guide ------------------------------------------------------------------------------

@dataclass
class Step:
    icon: str
    title: str
    body: str


def guide_steps():
    """The stages of cyber counseling shown on /panduan; no saved steps means the built-in ones."""
    saved = db.session.scalars(sa.select(GuideStep).order_by(GuideStep.position,
                                                             GuideStep.id)).all()
    if saved:
        return [Step(s.icon, s.title, s.body) for s in saved]
    return [Step(icon, str(title), str(body)) for icon, title, body in content.GUIDE_STEPS]


def save_guide_steps(steps):
    """Replace the steps with [(icon, title, body)]; rows without a title are dropped."""
    db.session.execute(sa.delete(GuideStep))
    for position, (icon, title, body) in enumerate(s for s in steps if s[1].strip()):
        db.session.add(GuideStep(position=position, icon=icon, title=title.strip(),
                                 body=body.strip()))


def youtube_id_from(link):
    """The video id from a YouTube link (watch, youtu.be, shorts, embed), or None."""
    link = (link or "").strip()
    if YOUTUBE_ID.match(link):
        return link
    try:
        parts = urlsplit(link if "//" in link else "https://" + link)
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None
    if parts.scheme not in ("http", "https") or parts.hostname not in YOUTUBE_HOSTS:
        return None
    if parts.hostname == "youtu.be":
        candidate = parts.path.strip("/")
    elif parts.path == "/watch":
        candidate = parse_qs(parts.query).get("v", [""])[0]
    else:
        match = re.match(r"^/(?:shorts|embed|live)/([^/]+)", parts.path)
        candidate = match.group(1) if match else ""
    return candidate if YOUTUBE_ID.match(candidate) else None


def set_youtube(settings, video_id):
    clear_upload(settings)
    settings.video_source = VideoSource.YOUTUBE
    settings.youtube_id = video_id


def set_video_upload(settings, stored_name, size, poster_name=None, captions_name=None):
    clear_upload(settings)
    settings.video_source = VideoSource.UPLOAD
    settings.video_filename, settings.video_bytes = stored_name, size
    settings.video_poster_filename = poster_name
    settings.video_captions_filename = captions_name
    settings.youtube_id = None


def clear_upload(settings):
    for name in (settings.video_filename, settings.video_poster_filename,
                 settings.video_captions_filename):
        uploads.remove(name)
    settings.video_filename = settings.video_bytes = settings.video_poster_filename = None
    settings.video_captions_filename = None


def remove_video(settings):
    clear_upload(settings)
    settings.video_source = VideoSource.NONE
    settings.youtube_id = None


def youtube_embed_url(video_id):
    origin = current_app.config["OUTREACH_YOUTUBE_ORIGIN"]
    return f"{origin}/embed/{video_id}?autoplay=1&rel=0" if origin else None


def youtube_watch_url(video_id):
    return f"https://www.youtube.com/watch?v={video_id}"


# --- materials ------------------------------------------------------------------------------

def suggest_slug(title):
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:60].strip("-") or "materi"
    candidate, number = slug, 2
    while slug_taken(candidate):
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def slug_taken(slug, except_id=None):
    statement = sa.select(Material.id).where(Material.slug == slug)
    if except_id is not None:
        statement = statement.where(Material.id != except_id)
    return db.session.scalar(statement) is not None


def published_materials():
    return db.session.scalars(
        sa.select(Material).where(Material.status == MaterialStatus.PUBLISHED)
        .order_by(Material.published_at.desc(), Material.id.desc())).all()


def all_materials():
    return db.session.execute(
        sa.select(Material, sa.func.count(MaterialAttachment.id))
        .outerjoin(MaterialAttachment, MaterialAttachment.material_id == Material.id)
        .group_by(Material.id).order_by(Material.updated_at.desc(), Material.id.desc())).all()


def set_published(material, published):
    material.status = MaterialStatus.PUBLISHED if published else MaterialStatus.DRAFT
    if published and material.published_at is None:
        material.published_at = utcnow()


def store_attachment(storage, kinds=uploads.ATTACHMENT_KINDS):
    """Check and save an uploaded file: (stored name, kind, size); raises UploadRefused."""
    return uploads.store(storage, kinds, current_app.config["OUTREACH_ATTACHMENT_MAX_BYTES"],
                         "lampiran")


def attach(material, storage, stored_name, kind, size):
    """The saved file as the material's attachment, under the name the counselor gave."""
    original = re.sub(r"[\x00-\x1f/\\]", "", storage.filename).strip()[:160] or stored_name
    attachment = MaterialAttachment(material=material, stored_name=stored_name,
                                    original_name=original, kind=kind, size=size)
    db.session.add(attachment)
    return attachment


def add_attachment(material, storage):
    """Check and keep an uploaded file for the material; raises uploads.UploadRefused."""
    return attach(material, storage, *store_attachment(storage))


def delete_attachment(attachment):
    uploads.remove(attachment.stored_name)
    db.session.delete(attachment)


def delete_material(material):
    for attachment in material.attachments:
        uploads.remove(attachment.stored_name)
    for page in material.pages:
        uploads.remove(page.small_name)
        uploads.remove(page.large_name)
    db.session.delete(material)


def download_name(attachment):
    """The counselor's file name, with the extension that matches what the bytes are."""
    stem = attachment.original_name.rsplit(".", 1)[0] or "lampiran"
    return f"{stem}.{attachment.kind}"


# --- links, QR codes and the share kit ------------------------------------------------------

def public_url(endpoint, **values):
    """An absolute link for sharing: OUTREACH_PUBLIC_URL when set (the address students
    reach from home), otherwise the address this request came in on."""
    base = current_app.config["OUTREACH_PUBLIC_URL"]
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def whatsapp_url(text):
    """wa.me opens WhatsApp with the text ready; the contact or group is picked there."""
    return "https://wa.me/?text=" + quote(text, safe="")


@dataclass
class ShareItem:
    key: str
    title: str
    message: str
    url: str
    #: The path on this server, for the QR code image.
    path: str

    @property
    def whatsapp(self):
        return whatsapp_url(self.message)


def questionnaire_links(classes):
    """[(administration, path, class names)] of the questionnaires open now for students of
    any of these classes, one a link: each class has its own link to an anonymous one (the
    only way to answer it without signing in, with that link's limit), a named one has one
    link for all. Never an evaluation of counseling, which only the student whose session
    ended gets."""
    now = utcnow()
    found = {}
    for school_class in classes:
        for administration in db.session.scalars(
                sa.select(Administration)
                .where(Administration.opens_at <= now, Administration.closes_at > now,
                       class_condition(school_class), ~about_counseling())
                .order_by(Administration.closes_at)):
            path = signals.answer(signals.class_link, administration, school_class=school_class)
            found.setdefault((administration, path), []).append(school_class.name)
    return [(administration, path, names) for (administration, path), names in found.items()]


def share_kit(teacher):
    """What a homeroom teacher passes to the class group: message, link and QR code for each."""
    classes = db.session.scalars(sa.select(SchoolClass)
                                 .where(SchoolClass.homeroom_teacher_id == teacher.id)
                                 .order_by(SchoolClass.grade, SchoolClass.name)).all()
    school = school_settings().name
    greeting = (_("Halo, anak-anak kelas %(classes)s!", classes=", ".join(c.name for c in classes))
                if classes else _("Halo, anak-anak!"))

    def item(key, title, endpoint, text, **values):
        return link_item(key, title, text, url_for(endpoint, **values))

    def link_item(key, title, text, path):
        url = public_address(path)
        return ShareItem(key, title, f"{greeting}\n{text}\n{url}", url, path)

    items = [
        item("kotak", _("Kotak masalah"), "problembox.new", _(
            "Ada yang mengganjal, soal pelajaran, teman, atau keluarga? Ceritakan ke Guru BK "
            "%(school)s lewat kotak masalah. Tidak perlu menyebut nama, dan hanya Guru BK yang "
            "membaca:", school=school)),
        item("jadwal", _("Jadwal konseling"), "booking.index", _(
            "Mau ngobrol dengan Guru BK lewat chat atau video? Pilih waktu yang pas untukmu "
            "(masuk dengan akun sekolah):")),
    ]
    for number, (administration, path, names) in enumerate(questionnaire_links(classes), 1):
        values = {"title": administration.title, "classes": ", ".join(names),
                  "date": format_date(administration.closes_at, "d MMMM")}
        if administration.anonymous:
            # A class's own link: the answers given through it count for that class only.
            title = _("Angket: %(title)s (kelas %(classes)s)", **values)
            text = _("Ada angket tanpa nama dari Guru BK: \"%(title)s\". Ini tautan khusus "
                     "kelas %(classes)s; isi sebelum %(date)s, ya. Jawabanmu membantu Guru BK "
                     "tahu apa yang kalian butuhkan:", **values)
        else:
            title = _("Angket: %(title)s", **values)
            text = _("Ada angket dari Guru BK: \"%(title)s\". Isi sebelum %(date)s, ya. "
                     "Jawabanmu membantu Guru BK tahu apa yang kalian butuhkan:", **values)
        items.append(link_item(f"angket-{number}", title, text, path))
    items += [
        item("panduan", _("Panduan konseling daring"), "outreach.guide", _(
            "Belum tahu cara konseling daring dengan Guru BK? Lihat langkah-langkahnya di sini:")),
        item("poster", _("Poster layanan BK"), "outreach.poster", _(
            "Ini poster layanan BK sekolah kita. Simpan, dan bagikan ke teman yang butuh:")),
    ]
    return items


@signals.home_page.connect
def home_part(user):
    """A homeroom teacher's home has what they pass on to their class group."""
    return {"share_kit": share_kit(user)} if user.role == Role.HOMEROOM else {}
