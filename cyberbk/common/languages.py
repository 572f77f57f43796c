"""The page language: Flask-Babel's locale selector, also used by kept pages' keys."""

from flask import current_app
from flask import has_request_context
from flask import request
from flask_babel import get_locale
from flask_babel import get_translations


def select_locale():
    return language(current_app.config,
                    request.cookies.get("lang") if has_request_context() else None)


def language(config, chosen):
    """The page language for the value of the `lang` cookie."""
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def install_template_gettext(app):
    """Flask-Babel's gettext for templates, with the catalogue looked up once per locale.

    Flask-Babel's own callables find the domain, the locale and its catalogue again on
    every call, and a page calls them fifty times: about a tenth of a student's home (bench
    profile). The locale is still read on each call, so force_locale keeps working."""
    catalogues = {}

    def translations():
        locale = get_locale()
        found = catalogues.get(locale)
        if found is None:
            found = catalogues[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
