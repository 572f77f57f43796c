"""Public pages: /layanan, /panduan, /materi, /poster, and the files they show.

They work without an account and without JavaScript, and load nothing from outside
the school server until someone taps a YouTube video.
"""

import io

from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask import send_file
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..accounts.models import Role
from ..common.fragments import wants_fragment
from ..common.links import public_address
from ..common.qr import qr_code
from ..common.vocabulary import FIELD_LABELS
from ..extensions import db
from ..school.services import crisis_contacts
from . import bp
from . import markup
from . import poster as posters
from . import services
from . import uploads
from .forms import COMPONENT_LABELS
from .models import Material
from .models import MaterialAttachment
from .models import SlidePage
from .models import VideoSource

DAY = 24 * 3600


@bp.app_context_processor
def share_helpers():
    return {"whatsapp_share": whatsapp_share, "public_url": services.public_url}


def whatsapp_share(text):
    """A wa.me link to send `text` and this page's full address: the public pages' "Bagikan
    ke WhatsApp", a plain link that needs no JavaScript."""
    return services.whatsapp_url(f"{text}\n{public_address(request.path)}")


@bp.context_processor
def outreach_helpers():
    return {"human_size": uploads.human_size, "component_labels": COMPONENT_LABELS,
            "field_labels": FIELD_LABELS}


def is_counselor():
    return current_user.is_authenticated and current_user.role == Role.COUNSELOR


def get_material_or_404(slug):
    """A published material, or a draft for counselors; drafts do not exist for anyone else."""
    material = db.session.scalar(db.select(Material).where(Material.slug == slug))
    if material is None or not (material.is_published or is_counselor()):
        abort(404)
    return material


def school_address():
    return public_address("")


@bp.route("/layanan")
def service():
    return render_template("outreach/service.html", sections=services.service_sections(),
                           contacts=crisis_contacts())


@bp.route("/panduan")
def guide():
    settings = services.get_settings()
    # ?putar=1 is the tap on the YouTube placeholder: only then is the player embedded.
    playing = request.args.get("putar") == "1"
    context = video_context(settings, playing)
    if wants_fragment("video"):
        return render_template("outreach/_video.html", **context)
    return render_template("outreach/guide.html", steps=services.guide_steps(), **context)


def video_context(settings, playing=False):
    context = {"source": settings.video_source.value, "playing": playing}
    if settings.video_source == VideoSource.UPLOAD:
        context.update(size=uploads.megabytes(settings.video_bytes or 0),
                       video=settings.video_filename, poster=settings.video_poster_filename,
                       captions=settings.video_captions_filename)
    elif settings.video_source == VideoSource.YOUTUBE:
        context.update(embed=services.youtube_embed_url(settings.youtube_id),
                       watch=services.youtube_watch_url(settings.youtube_id))
    return context


@bp.route("/materi")
def materials():
    return render_template("outreach/materials.html", materials=services.published_materials())


@bp.route("/materi/<slug>")
def material(slug):
    material = get_material_or_404(slug)
    return render_template("outreach/material.html", material=material,
                           body=markup.render_page(material.body, school_address()))


@bp.route("/materi/<slug>/slide")
def slides(slug):
    material = get_material_or_404(slug)
    return render_template("outreach/slides.html", material=material,
                           slides=markup.render_slides(material.body, school_address()))


@bp.route("/materi/<slug>/rpl")
def material_plan(slug):
    material = get_material_or_404(slug)
    if material.plan is None:
        abort(404)
    return render_template("outreach/plan_public.html", material=material, plan=material.plan)


@bp.route("/media/lampiran/<int:attachment_id>")
def attachment(attachment_id):
    attachment = db.get_or_404(MaterialAttachment, attachment_id)
    get_material_or_404(attachment.material.slug)
    kind = uploads.KINDS[attachment.kind]
    g.public_cache = attachment.material.is_published
    return send_file(uploads.path_of(attachment.stored_name), mimetype=kind.mimetype,
                     as_attachment=kind.download, download_name=services.download_name(attachment),
                     conditional=True, max_age=DAY)


@bp.route("/media/video/<name>")
def video_file(name):
    """The uploaded guide video and its cover. Range requests get 206, so a phone can
    seek and resume without loading the whole file; a new upload gets a new name."""
    settings = services.get_settings()
    if settings.video_source != VideoSource.UPLOAD or name not in (
            settings.video_filename, settings.video_poster_filename,
            settings.video_captions_filename):
        abort(404)
    g.public_cache = True
    return send_file(uploads.path_of(name), mimetype=uploads.KINDS[name.rsplit(".", 1)[1]].mimetype,
                     conditional=True, max_age=365 * DAY)


@bp.route("/media/slide/<name>")
def slide_image(name):
    """A page of a material's slide file as a JPEG, 640 (phones) or 1280 (projector) wide;
    whoever may open the material may see it. A new upload gets new names, so the long
    cache never shows an old page."""
    page = db.session.scalar(db.select(SlidePage).where(
        db.or_(SlidePage.small_name == name, SlidePage.large_name == name)))
    if page is None:
        abort(404)
    material = get_material_or_404(page.material.slug)
    g.public_cache = material.is_published
    return send_file(uploads.path_of(name), mimetype="image/jpeg", conditional=True,
                     max_age=365 * DAY)


def chosen_design():
    """The poster asked for: ?bentuk= (layout) and ?tujuan= (where the QR code leads);
    anything unknown is the square poster to the app, the link preview's image."""
    return posters.design(request.args.get("bentuk", ""), request.args.get("tujuan", ""))


@bp.route("/poster")
def poster():
    data = chosen_design()
    return render_template("outreach/poster.html", poster=data, layouts=posters.LAYOUTS,
                           targets=posters.TARGETS,
                           target=posters.pick(posters.TARGETS, request.args.get("tujuan"),
                                               posters.DEFAULT_TARGET))


def image_response(body, mimetype, filename):
    g.public_cache = True
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    if request.args.get("unduh"):
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/poster.png")
def poster_png():
    data = chosen_design()
    return image_response(posters.png(data), "image/png", posters.filename(data, "png"))


@bp.route("/poster.pdf")
def poster_pdf():
    data = chosen_design()
    return image_response(posters.pdf(data), "application/pdf", posters.filename(data, "pdf"))


def shareable(path):
    """A page of this app that a GET can open: the only things a QR code is made for."""
    if not path.startswith("/") or path.startswith("//") or len(path) > 200 or "?" in path:
        return False
    try:
        current_app.url_map.bind("localhost").match(path.removeprefix(request.script_root),
                                                    method="GET")
    except HTTPException:  # not found, wrong method, or a redirect to another address
        return False
    return True


@bp.route("/qr.svg")
def qr():
    path = request.args.get("u", "")
    if not shareable(path):
        abort(404)
    buffer = io.BytesIO()
    qr_code(public_address(path)).save(buffer, kind="svg", scale=6, border=2,
                                                   xmldecl=False, dark="#1b1f23",
                                                   light="#ffffff")
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.cache_control.max_age = DAY
    g.public_cache = True
    return response
