"""The app's forms: WTForms' own messages in the reader's language, from our catalogs."""

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import IntegerField

import cyberbk
from cyberbk.common.forms import Form


class NumberForm(Form):
    number = IntegerField()


@pytest.mark.parametrize(("language", "message"), [
    ("id", "Isi dengan bilangan bulat."),
    ("en", "Not a valid integer value."),
])
def test_a_number_field_says_what_is_wrong_in_the_readers_language(app, language, message):
    with app.test_request_context("/", method="POST", data={"number": "tujuh"},
                                  headers={"Cookie": f"lang={language}"}):
        form = NumberForm(meta={"csrf": False})
        assert not form.validate()
        assert form.number.errors == [message]


def test_every_form_of_the_app_takes_its_messages_from_the_shared_form(app):
    for module in pkgutil.walk_packages(cyberbk.__path__, "cyberbk."):
        importlib.import_module(module.name)
    forms = [form for form in all_subclasses(FlaskForm) if form.__module__.startswith("cyberbk.")]
    assert forms
    assert [form.__qualname__ for form in forms if not issubclass(form, Form)] == []


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)
