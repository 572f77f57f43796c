"""Counselors edit the outreach content: service info, guide and video, materials, poster, RPLs.

Everything here is the school's public face, not confidential: any counselor may edit
any of it.
"""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..audit.services import record
from ..common import signals
from ..common.forms import EmptyForm
from ..common.numbers import is_id
from ..extensions import db
from . import bp
from . import content
from . import decks
from . import guidevideo
from . import media
from . import plans
from . import services
from . import uploads
from .forms import AttachmentForm
from .forms import DeckForm
from .forms import GuideForm
from .forms import MaterialForm
from .forms import PlanForm
from .forms import PosterForm
from .forms import PrefillForm
from .forms import ServiceInfoForm
from .forms import VideoForm
from .forms import YouTubeForm
from .models import Material
from .models import MaterialAttachment
from .models import ServicePlan
from .models import VideoSource

counselors_only = roles_required(Role.COUNSELOR)


def get_material_by_id_or_404(material_id):
    return db.get_or_404(Material, material_id)


def get_attachment_or_404(material, attachment_id):
    attachment = db.get_or_404(MaterialAttachment, attachment_id)
    if attachment.material_id != material.id:
        abort(404)
    return attachment


def get_plan_or_404(plan_id):
    return db.get_or_404(ServicePlan, plan_id)


@bp.route("/bk/outreach")
@counselors_only
def hub():
    return render_template("outreach/edit/hub.html", materials=services.all_materials(),
                           plans=plans.all_plans())


@bp.route("/bk/outreach/layanan", methods=["GET", "POST"])
@counselors_only
def edit_service():
    settings = services.get_settings()
    form = ServiceInfoForm()
    if form.validate_on_submit():
        for key in content.SERVICE_SECTIONS:
            services.save_service_text(settings, key, getattr(form, key).data)
        db.session.commit()
        flash(_("Info layanan tersimpan."), "success")
        return redirect(url_for(".edit_service"), 303)
    if request.method == "GET":
        for key in content.SERVICE_SECTIONS:
            getattr(form, key).data = services.service_text(settings, key)
    return render_template("outreach/edit/service.html", form=form), 400 if form.errors else 200


@bp.route("/bk/outreach/poster", methods=["GET", "POST"])
@counselors_only
def edit_poster():
    settings = services.get_settings()
    form = PosterForm()
    if request.method == "GET":
        form.headline.data, form.tagline.data = services.poster_texts(settings)
    if form.validate_on_submit():
        services.save_poster_texts(settings, form.headline.data, form.tagline.data)
        db.session.commit()
        flash(_("Teks poster tersimpan."), "success")
        return redirect(url_for(".poster"), 303)
    return render_template("outreach/edit/poster.html", form=form), 400 if form.errors else 200


# --- the guide ------------------------------------------------------------------------------

def render_guide_editor(guide_form=None, youtube_form=None, video_form=None, status=200):
    settings = services.get_settings()
    if guide_form is None:
        guide_form = GuideForm(formdata=None)
        steps = services.guide_steps()
        for entry, step in zip(guide_form.steps, steps):
            entry.form.icon.data, entry.form.title.data = step.icon, step.title
            entry.form.body.data = step.body
    youtube_form = youtube_form or YouTubeForm(formdata=None)
    if youtube_form.link.data is None and settings.youtube_id:
        youtube_form.link.data = services.youtube_watch_url(settings.youtube_id)
    return render_template(
        "outreach/edit/guide.html", settings=settings, guide_form=guide_form,
        youtube_form=youtube_form, video_form=video_form or VideoForm(formdata=None),
        remove_form=EmptyForm(), video_tools_missing=guidevideo.missing_tools(),
        youtube_enabled=bool(current_app.config[
            "OUTREACH_YOUTUBE_ORIGIN"]),
        video_size=uploads.human_size(settings.video_bytes) if settings.video_bytes else None,
        max_video=uploads.human_size(current_app.config["OUTREACH_VIDEO_MAX_BYTES"]),
        max_image=uploads.human_size(current_app.config["OUTREACH_IMAGE_MAX_BYTES"]),
    ), status


@bp.route("/bk/panduan", methods=["GET", "POST"])
@counselors_only
def edit_guide():
    if request.method == "GET":
        return render_guide_editor()
    form = GuideForm()
    if not form.validate_on_submit():
        return render_guide_editor(guide_form=form, status=400)
    services.save_guide_steps([(e.form.icon.data, e.form.title.data or "", e.form.body.data or "")
                               for e in form.steps])
    db.session.commit()
    flash(_("Langkah panduan tersimpan."), "success")
    return redirect(url_for(".edit_guide"), 303)


@bp.route("/bk/panduan/video", methods=["POST"])
@counselors_only
def upload_video():
    form = VideoForm()
    if not form.validate_on_submit():
        return render_guide_editor(video_form=form, status=400)
    settings = services.get_settings()
    config = current_app.config
    stored, poster = None, None
    field = form.video
    try:
        stored, _kind, size = uploads.store(form.video.data, ("mp4",),
                                            config["OUTREACH_VIDEO_MAX_BYTES"], "panduan")
        if form.poster.data and form.poster.data.filename:
            field = form.poster
            poster, _kind, _size = uploads.store(form.poster.data, uploads.IMAGE_KINDS,
                                                 config["OUTREACH_IMAGE_MAX_BYTES"], "sampul")
        if media.tools().makes_video:
            # The same small profile as the demo's video, whatever the phone recorded.
            field = form.video
            stored, size, frame = guidevideo.transcode_upload(stored)
            if poster:
                uploads.remove(frame)
            else:
                poster = frame
    except uploads.UploadRefused as refused:
        uploads.remove(stored)
        uploads.remove(poster)
        field.errors = [str(refused)]
        return render_guide_editor(video_form=form, status=400)
    services.set_video_upload(settings, stored, size, poster)
    record(current_user, "update", "guide_video", summary="guide video uploaded")
    db.session.commit()
    flash(_("Video panduan terpasang."), "success")
    return redirect(url_for(".edit_guide"), 303)


@bp.route("/bk/panduan/video/buat", methods=["POST"])
@counselors_only
def make_video():
    """The guide video made again from the saved steps (after they were edited)."""
    if EmptyForm().validate_on_submit():
        reason = guidevideo.make_guide_video(services.get_settings())
        if reason:
            flash(reason, "error")
            return redirect(url_for(".edit_guide"), 303)
        record(current_user, "update", "guide_video", summary="guide video made from the steps")
        db.session.commit()
        flash(_("Video panduan dibuat dari langkah-langkah panduan."), "success")
    return redirect(url_for(".edit_guide"), 303)


@bp.route("/bk/panduan/youtube", methods=["POST"])
@counselors_only
def set_youtube():
    form = YouTubeForm()
    if not current_app.config["OUTREACH_YOUTUBE_ORIGIN"]:
        form.link.errors = [_("Video YouTube dimatikan di pengaturan server ini.")]
        return render_guide_editor(youtube_form=form, status=400)
    if not form.validate_on_submit():
        return render_guide_editor(youtube_form=form, status=400)
    services.set_youtube(services.get_settings(), services.youtube_id_from(form.link.data))
    db.session.commit()
    flash(_("Video YouTube terpasang. Video baru dimuat setelah siswa mengetuknya."), "success")
    return redirect(url_for(".edit_guide"), 303)


@bp.route("/bk/panduan/video/hapus", methods=["POST"])
@counselors_only
def remove_video():
    if EmptyForm().validate_on_submit():
        settings = services.get_settings()
        if settings.video_source != VideoSource.NONE:
            services.remove_video(settings)
            db.session.commit()
            flash(_("Video panduan dilepas."), "success")
    return redirect(url_for(".edit_guide"), 303)


# --- materials ------------------------------------------------------------------------------

def render_material_editor(form, material=None, attachment_form=None, deck_form=None,
                           status=200):
    deck_form = deck_form or DeckForm(formdata=None)
    if media.tools().office:
        deck_form.file.label.text = _("Berkas slide (PDF atau PPTX)")
    return render_template("outreach/edit/material.html", form=form, material=material,
                           attachment_form=attachment_form or AttachmentForm(formdata=None),
                           deck_form=deck_form,
                           deck_unavailable=decks.refusal_without_renderer(),
                           converts_pptx=bool(media.tools().office),
                           max_pages=current_app.config["OUTREACH_SLIDES_MAX_PAGES"],
                           action_form=EmptyForm(),
                           max_attachment=uploads.human_size(
                               current_app.config["OUTREACH_ATTACHMENT_MAX_BYTES"])), status


def save_material(material, form):
    material.title, material.summary = form.title.data, form.summary.data or ""
    material.body, material.plan_id = form.body.data or "", form.plan_id.data
    material.slug = form.slug.data or (material.slug or services.suggest_slug(form.title.data))


@bp.route("/bk/materi")
@counselors_only
def material_list():
    return render_template("outreach/edit/materials.html", materials=services.all_materials())


@bp.route("/bk/materi/baru", methods=["GET", "POST"])
@counselors_only
def new_material():
    form = MaterialForm()
    if request.method == "GET" and request.args.get("rpl", "").isdigit():
        form.plan_id.data = int(request.args["rpl"])
    if form.validate_on_submit():
        material = Material(author_id=current_user.id)
        save_material(material, form)
        db.session.add(material)
        db.session.commit()
        flash(_("Materi tersimpan sebagai draf."), "success")
        return redirect(url_for(".edit_material", material_id=material.id), 303)
    return render_material_editor(form, status=400 if form.errors else 200)


@bp.route("/bk/materi/<int:material_id>", methods=["GET", "POST"])
@counselors_only
def edit_material(material_id):
    material = get_material_by_id_or_404(material_id)
    form = MaterialForm(obj=material, material_id=material.id)
    if form.validate_on_submit():
        save_material(material, form)
        db.session.commit()
        flash(_("Materi tersimpan."), "success")
        return redirect(url_for(".edit_material", material_id=material.id), 303)
    return render_material_editor(form, material, status=400 if form.errors else 200)


@bp.route("/bk/materi/<int:material_id>/terbitkan", methods=["POST"])
@counselors_only
def publish_material(material_id):
    return change_publication(get_material_by_id_or_404(material_id), True)


@bp.route("/bk/materi/<int:material_id>/jadikan-draf", methods=["POST"])
@counselors_only
def unpublish_material(material_id):
    return change_publication(get_material_by_id_or_404(material_id), False)


def change_publication(material, published):
    if EmptyForm().validate_on_submit():
        services.set_published(material, published)
        db.session.commit()
        flash(_("Materi terbit: siapa pun dengan tautannya bisa membaca.") if published
              else _("Materi kembali menjadi draf dan tidak tampil untuk umum."), "success")
    return redirect(url_for(".edit_material", material_id=material.id), 303)


@bp.route("/bk/materi/<int:material_id>/hapus", methods=["POST"])
@counselors_only
def delete_material(material_id):
    material = get_material_by_id_or_404(material_id)
    if EmptyForm().validate_on_submit():
        services.delete_material(material)
        db.session.commit()
        flash(_("Materi dihapus."), "success")
    return redirect(url_for(".material_list"), 303)


@bp.route("/bk/materi/<int:material_id>/lampiran", methods=["POST"])
@counselors_only
def add_attachment(material_id):
    material = get_material_by_id_or_404(material_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(material, form.file.data)
        except uploads.UploadRefused as refused:
            form.file.errors = [str(refused)]
        else:
            db.session.commit()
            flash(_("Lampiran tersimpan."), "success")
            return redirect(url_for(".edit_material", material_id=material.id), 303)
    material_form = MaterialForm(formdata=None, obj=material, material_id=material.id)
    return render_material_editor(material_form, material, attachment_form=form, status=400)


@bp.route("/bk/materi/<int:material_id>/slide-berkas", methods=["POST"])
@counselors_only
def add_deck(material_id):
    material = get_material_by_id_or_404(material_id)
    form = DeckForm()
    if form.validate_on_submit():
        try:
            decks.add_deck(material, form.file.data)
        except uploads.UploadRefused as refused:
            form.file.errors = [str(refused)]
        else:
            record(current_user, "update", "material", material.id,
                   summary=f"slides from a file: {len(material.pages)} pages")
            db.session.commit()
            flash(_("Slide tersimpan: %(count)d halaman.", count=len(material.pages)), "success")
            return redirect(url_for(".edit_material", material_id=material.id), 303)
    material_form = MaterialForm(formdata=None, obj=material, material_id=material.id)
    return render_material_editor(material_form, material, deck_form=form, status=400)


@bp.route("/bk/materi/<int:material_id>/slide-berkas/hapus", methods=["POST"])
@counselors_only
def remove_deck(material_id):
    material = get_material_by_id_or_404(material_id)
    if EmptyForm().validate_on_submit() and material.pages:
        decks.remove_pages(material)
        record(current_user, "update", "material", material.id,
               summary="slides from the file removed")
        db.session.commit()
        flash(_("Slide dari berkas dilepas. Slide dibuat lagi dari isi materi."), "success")
    return redirect(url_for(".edit_material", material_id=material.id), 303)


@bp.route("/bk/materi/<int:material_id>/lampiran/<int:attachment_id>/hapus", methods=["POST"])
@counselors_only
def delete_attachment(material_id, attachment_id):
    material = get_material_by_id_or_404(material_id)
    attachment = get_attachment_or_404(material, attachment_id)
    if EmptyForm().validate_on_submit():
        services.delete_attachment(attachment)
        db.session.commit()
        flash(_("Lampiran dihapus."), "success")
    return redirect(url_for(".edit_material", material_id=material.id), 303)


# --- RPL --------------------------------------------------------------------------------------

@bp.route("/bk/rpl")
@counselors_only
def plan_list():
    return render_template("outreach/edit/plans.html", plans=plans.all_plans())


@bp.route("/bk/rpl/baru", methods=["GET", "POST"])
@counselors_only
def new_plan():
    prefill = PrefillForm(request.args)
    form = PlanForm(data=None if request.method == "POST" else plans.starting_values())
    notice = None
    if request.method == "GET" and is_id(request.args.get("baris")):
        # Opened from a row of the BK programme, which owns the row's values.
        values = signals.answer(signals.programme_row_plan, current_app._get_current_object(),
                                row_id=int(request.args["baris"]))
        if values is None:
            abort(404)
        form = PlanForm(data={**plans.starting_values(), **values})
    elif request.method == "GET" and prefill.kelas.data and prefill.validate():
        school_class = db.get_or_404(SchoolClass, prefill.kelas.data)
        values = plans.values_from_profile(school_class)
        record(current_user, "read", "class_profile", school_class.id,
               summary="RPL prefilled from the class's needs-assessment profile")
        db.session.commit()
        if values is None:
            notice = _("Kelas %(name)s belum punya hasil angket. RPL diisi dengan bentuk baku.",
                       name=school_class.name)
        else:
            form = PlanForm(data=values)
    if form.validate_on_submit():
        plan = ServicePlan(author_id=current_user.id)
        plans.save(plan, form)
        db.session.add(plan)
        db.session.commit()
        flash(_("RPL tersimpan."), "success")
        return redirect(url_for(".plan", plan_id=plan.id), 303)
    return render_template("outreach/edit/plan_form.html", form=form, prefill=prefill,
                           notice=notice, plan=None), 400 if form.errors else 200


@bp.route("/bk/rpl/<int:plan_id>")
@counselors_only
def plan(plan_id):
    return render_template("outreach/edit/plan.html", plan=get_plan_or_404(plan_id),
                           delete_form=EmptyForm())


@bp.route("/bk/rpl/<int:plan_id>/ubah", methods=["GET", "POST"])
@counselors_only
def edit_plan(plan_id):
    plan = get_plan_or_404(plan_id)
    form = PlanForm(obj=plan)
    if form.validate_on_submit():
        plans.save(plan, form)
        db.session.commit()
        flash(_("RPL tersimpan."), "success")
        return redirect(url_for(".plan", plan_id=plan.id), 303)
    return render_template("outreach/edit/plan_form.html", form=form, plan=plan, prefill=None,
                           notice=None), 400 if form.errors else 200


@bp.route("/bk/rpl/<int:plan_id>/hapus", methods=["POST"])
@counselors_only
def delete_plan(plan_id):
    plan = get_plan_or_404(plan_id)
    if EmptyForm().validate_on_submit():
        db.session.delete(plan)
        db.session.commit()
        flash(_("RPL dihapus."), "success")
    return redirect(url_for(".plan_list"), 303)
