"""The page language: Flask-Babel's locale selector, also used by kept pages' keys."""

from flask import current_app
from flask import has_request_context
from flask import request


def select_locale():
    return language(current_app.config,
                    request.cookies.get("lang") if has_request_context() else None)


def language(config, chosen):
    """The page language for the value of the `lang` cookie."""
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
