"""What several assessment pages share: the number filter, the message page, the
empty POST form and looking up an administration."""

from babel.numbers import get_decimal_symbol
from flask import abort
from flask import g
from flask import make_response
from flask import render_template
from flask_babel import get_locale

from ...common.forms import EmptyForm
from ...extensions import db
from .. import bp
from .. import services
from ..models import Administration


@bp.app_template_filter("fixed")
def fixed(value, digits=0):
    """A mean or percentage with `digits` decimals in the reader's language (62,5 or 62.5).

    Babel's format_decimal per number took most of the rendering time of a results page,
    whose per-class table has a cell per item and class; these numbers never need grouping."""
    if "decimal_symbol" not in g:
        g.decimal_symbol = get_decimal_symbol(get_locale())
    return f"{value:.{digits}f}".replace(".", g.decimal_symbol)


@bp.app_template_global()
def class_link_url(administration, school_class):
    """The full address of the link a class's group gets (services.link_for_class)."""
    return services.link_for_class(administration, school_class, _external=True)


def stop(title, message, status, links=()):
    """End the request with a short message page (closed, not open yet, answered twice)."""
    abort(make_response(render_template("assessments/message.html", title=title,
                                        message=message, links=links), status))


def require_post_form():
    if not EmptyForm().validate_on_submit():
        abort(400)


def get_administration_by_id_or_404(aid):
    return db.get_or_404(Administration, aid)
