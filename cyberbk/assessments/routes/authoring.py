"""Counselors build instruments under /bk/asesmen/instrumen: sections, items, order,
copies and a preview."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...common.forms import EmptyForm
from ...common.fragments import wants_fragment
from ...extensions import db
from .. import bp
from .. import services
from ..forms import InstrumentForm
from ..forms import ItemForm
from ..forms import SectionForm
from ..models import Instrument
from ..models import ItemType
from ..results import overview
from .shared import require_post_form
from .shared import stop


def get_instrument_or_404(iid):
    return db.get_or_404(Instrument, iid)


def get_editable_instrument(iid):
    instrument = get_instrument_or_404(iid)
    if services.is_locked(instrument):
        stop(_("Angket ini tidak bisa diubah"),
             _("Angket bawaan dan angket yang sudah pernah dibagikan tidak diubah, supaya "
               "hasilnya tetap benar. Gandakan angket ini untuk membuat versi baru."), 409,
             [(url_for(".edit_instrument", iid=iid), _("Kembali ke angket"))])
    return instrument


def get_section_or_404(instrument, sid):
    section = next((s for s in instrument.sections if s.id == sid), None)
    if section is None:
        abort(404)
    return section


def get_item_or_404(instrument, item_id):
    item = next((i for i in instrument.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def new_item_form(section):
    return ItemForm(formdata=None, prefix=f"s{section.id}", type=ItemType.LIKERT4.value)


def render_editor(instrument, status=200, section_form=None, item_forms=None, meta_form=None):
    """The editor page, or only its #editor part for HTMX."""
    item_forms = item_forms or {}
    context = {
        "instrument": instrument,
        "locked": services.is_locked(instrument),
        "meta_form": meta_form or InstrumentForm(formdata=None, obj=instrument, prefix="meta"),
        "section_form": section_form or SectionForm(formdata=None, prefix="bagian"),
        "item_forms": {s.id: item_forms.get(s.id) or new_item_form(s)
                       for s in instrument.sections},
        "action_form": EmptyForm(),
        "type_labels": services.ITEM_TYPE_LABELS,
    }
    template = ("assessments/_editor.html" if wants_fragment("editor")
                else "assessments/instrument_edit.html")
    return render_template(template, **context), status


def editor_done(instrument, anchor=None):
    if wants_fragment("editor"):
        return render_editor(instrument)
    return redirect(url_for(".edit_instrument", iid=instrument.id, _anchor=anchor), 303)


@bp.route("/bk/asesmen")
@roles_required(Role.COUNSELOR)
def index():
    services.ensure_builtin_instruments()
    db.session.commit()  # the built-in instruments, added on first use
    return render_template("assessments/dashboard.html",
                           administrations=overview.administrations_with_counts(),
                           instruments=services.list_instruments(),
                           classes=services.student_classes(), action_form=EmptyForm())


@bp.route("/bk/asesmen/instrumen/baru", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_instrument():
    form = InstrumentForm()
    if form.validate_on_submit():
        instrument = Instrument(title=form.title.data.strip(),
                                description=(form.description.data or "").strip(),
                                created_by_id=current_user.id)
        db.session.add(instrument)
        services.add_section(instrument, _("Bagian 1"))
        db.session.commit()
        flash(_("Angket dibuat. Sekarang tambahkan pertanyaannya."), "success")
        return redirect(url_for(".edit_instrument", iid=instrument.id), 303)
    return render_template("assessments/instrument_new.html", form=form), \
        400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>")
@roles_required(Role.COUNSELOR)
def edit_instrument(iid):
    return render_editor(get_instrument_or_404(iid))


@bp.route("/bk/asesmen/instrumen/<int:iid>/ubah", methods=["POST"])
@roles_required(Role.COUNSELOR)
def update_instrument(iid):
    instrument = get_editable_instrument(iid)
    form = InstrumentForm(prefix="meta")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, meta_form=form)
    instrument.title = form.title.data.strip()
    instrument.description = (form.description.data or "").strip()
    db.session.commit()
    return editor_done(instrument)


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_section(iid):
    instrument = get_editable_instrument(iid)
    form = SectionForm(prefix="bagian")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, section_form=form)
    section = services.add_section(instrument, form.title.data, form.code.data, form.intro.data)
    db.session.commit()
    return editor_done(instrument, f"bagian-{section.id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def edit_section(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        section.title = form.title.data.strip()
        section.code = (form.code.data or "").strip().upper() or None
        section.intro = (form.intro.data or "").strip()
        db.session.commit()
        return redirect(url_for(".edit_instrument", iid=iid, _anchor=f"bagian-{sid}"), 303)
    return render_template("assessments/part_edit.html", instrument=instrument, form=form,
                           heading=_("Ubah bagian")), 400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/geser/<arah>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def move_section(iid, sid, arah):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    require_post_form()
    services.move(instrument.sections, section, step_of(arah))
    db.session.commit()
    return editor_done(instrument, f"bagian-{sid}")


def step_of(direction):
    steps = {"naik": -1, "turun": 1}
    if direction not in steps:
        abort(404)
    return steps[direction]


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_section(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    require_post_form()
    services.remove(instrument.sections, section)
    db.session.commit()
    return editor_done(instrument)


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/butir", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_item(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    form = ItemForm(prefix=f"s{sid}")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, item_forms={sid: form})
    services.add_item(section, form.type.data, form.text.data, form.hint.data,
                      form.required.data, form.option_list)
    db.session.commit()
    return editor_done(instrument, f"bagian-{sid}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def edit_item(iid, item_id):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    uses_options = item.type in (ItemType.SINGLE, ItemType.MULTIPLE) or item.type.is_likert
    form = ItemForm(data={"type": item.type.value, "text": item.text, "hint": item.hint,
                          "required": item.required,
                          "options": "\n".join(item.options) if uses_options else ""})
    form.submit.label.text = _("Simpan pertanyaan")
    if form.validate_on_submit():
        services.update_item(item, form.type.data, form.text.data, form.hint.data,
                             form.required.data, form.option_list)
        db.session.commit()
        return redirect(url_for(".edit_instrument", iid=iid,
                                _anchor=f"bagian-{item.section_id}"), 303)
    return render_template("assessments/part_edit.html", instrument=instrument, form=form,
                           heading=_("Ubah pertanyaan")), 400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>/geser/<arah>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def move_item(iid, item_id, arah):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    require_post_form()
    services.move(item.section.items, item, step_of(arah))
    db.session.commit()
    return editor_done(instrument, f"bagian-{item.section_id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_item(iid, item_id):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    require_post_form()
    section_id = item.section_id
    services.remove(item.section.items, item)
    db.session.commit()
    return editor_done(instrument, f"bagian-{section_id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/gandakan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def duplicate_instrument(iid):
    instrument = get_instrument_or_404(iid)
    require_post_form()
    copy = services.duplicate_instrument(instrument, current_user)
    db.session.commit()
    flash(_("Salinan dibuat. Sekarang Anda bisa mengubahnya."), "success")
    return redirect(url_for(".edit_instrument", iid=copy.id), 303)


@bp.route("/bk/asesmen/instrumen/<int:iid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_instrument(iid):
    instrument = get_editable_instrument(iid)
    require_post_form()
    db.session.delete(instrument)
    db.session.commit()
    flash(_("Angket dihapus."), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/bk/asesmen/instrumen/<int:iid>/pratinjau", defaults={"number": 1})
@bp.route("/bk/asesmen/instrumen/<int:iid>/pratinjau/<int:number>")
@roles_required(Role.COUNSELOR)
def preview(iid, number):
    instrument = get_instrument_or_404(iid)
    if not 1 <= number <= max(len(instrument.sections), 1) or not instrument.sections:
        abort(404)
    return render_template("assessments/section.html", administration=None,
                           instrument=instrument, section=instrument.sections[number - 1],
                           number=number, total=len(instrument.sections), values={},
                           errors={}, ticked=[], form=EmptyForm(), preview=True, action=None)
