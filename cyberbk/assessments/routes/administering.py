"""Counselors give an instrument to classes or grades for a period, and change or delete
that administration."""

from datetime import timedelta

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...common import listing
from ...common import numbers
from ...common.fragments import wants_fragment
from ...common.forms import EmptyForm
from ...common.schooltime import to_local
from ...common.schooltime import to_utc
from ...common.schooltime import utcnow
from ...extensions import db
from .. import bp
from .. import services
from ..forms import AdministrationForm
from ..forms import DatesForm
from ..models import Instrument
from ..results import counts
from .shared import get_administration_by_id_or_404
from .shared import require_post_form
from .shared import stop


def administration_form():
    form = AdministrationForm()
    form.instrument.choices = [(i.id, i.title) for i in services.list_instruments()]
    form.grades.choices = [(g, _("Kelas %(grade)d", grade=g)) for g in services.grades()]
    form.classes.choices = [(c.id, c.name) for c in services.student_classes()]
    return form


@bp.route("/bk/asesmen/berikan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_administration():
    services.ensure_builtin_instruments()
    form = administration_form()
    if request.method == "GET":
        chosen = request.args.get("instrumen", type=numbers.database_int)
        instrument = db.session.get(Instrument, chosen) if chosen else None
        now = to_local(utcnow()).replace(second=0, microsecond=0)
        form.instrument.data = instrument.id if instrument else None
        form.title.data = instrument.title if instrument else ""
        form.opens_at.data, form.closes_at.data = now, now + timedelta(days=7)
    elif form.validate_on_submit():
        instrument = db.session.get(Instrument, form.instrument.data)
        if not instrument.items:
            form.instrument.errors.append(_("Angket ini belum punya pertanyaan."))
        else:
            administration = services.create_administration(
                instrument, current_user, form.title.data, to_utc(form.opens_at.data),
                to_utc(form.closes_at.data), form.scope.data, form.grades.data,
                form.classes.data, form.anonymous.data, form.slug.data or None)
            db.session.commit()
            flash(_("Angket siap dibagikan. Salin tautannya ke grup WhatsApp kelas."),
                  "success")
            return redirect(url_for(".administration", aid=administration.id), 303)
    db.session.commit()  # the built-in instruments, added on first use
    return render_template("assessments/administration_new.html", form=form), \
        400 if form.errors else 200


#: The element the list of named responses swaps (search, order, pages).
RESPONSES_LIST = "jawaban-daftar"


@bp.route("/bk/asesmen/<int:aid>")
@roles_required(Role.COUNSELOR)
def administration(aid):
    administration = get_administration_by_id_or_404(aid)
    respondents = None if administration.anonymous else services.respondents_page(
        administration, listing.wanted(services.RESPONSE_SORTS, "kelas"))
    if respondents is not None and wants_fragment(RESPONSES_LIST):
        return render_template("assessments/_responses_list.html", administration=administration,
                               listing=respondents, target=RESPONSES_LIST)
    return render_administration(administration, respondents=respondents)


def render_administration(administration, dates_form=None, status=200, respondents=None):
    """The administration's page. The list of named responses is the GET page's only: its
    links are this page's address (common/listing.py), which a form's answer is not."""
    if dates_form is None:
        dates_form = DatesForm(formdata=None, data={
            "opens_at": to_local(administration.opens_at),
            "closes_at": to_local(administration.closes_at)})
    rows = counts.completion(administration)
    return render_template(
        "assessments/administration.html", administration=administration, completion=rows,
        students=sum(r.students for r in rows), answered=sum(r.answered for r in rows),
        responses=counts.respondents(administration).get(None, 0),
        listing=respondents, target=RESPONSES_LIST,
        audience=services.audience_description(administration),
        status=administration.status, dates_form=dates_form,
        action_form=EmptyForm(), can_delete=not services.has_submitted_responses(administration),
        share_url=url_for(".start", slug=administration.slug, _external=True)), status


@bp.route("/bk/asesmen/<int:aid>/tanggal", methods=["POST"])
@roles_required(Role.COUNSELOR)
def update_dates(aid):
    administration = get_administration_by_id_or_404(aid)
    form = DatesForm()
    if not form.validate_on_submit():
        return render_administration(administration, form, 400)
    administration.opens_at = to_utc(form.opens_at.data)
    administration.closes_at = to_utc(form.closes_at.data)
    db.session.commit()
    flash(_("Tanggal angket sudah diubah."), "success")
    return redirect(url_for(".administration", aid=aid), 303)


@bp.route("/bk/asesmen/<int:aid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_administration(aid):
    administration = get_administration_by_id_or_404(aid)
    require_post_form()
    if services.has_submitted_responses(administration):
        stop(_("Tidak bisa dihapus"),
             _("Sudah ada siswa yang mengirim jawaban. Ubah tanggal tutupnya kalau ingin "
               "menghentikan angket ini."), 409,
             [(url_for(".administration", aid=aid), _("Kembali"))])
    db.session.delete(administration)
    db.session.commit()
    flash(_("Pemberian angket dihapus."), "success")
    return redirect(url_for(".index"), 303)
