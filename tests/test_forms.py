"""The shared form base: no control character, NUL above all, reaches a view or the database."""

import importlib
import inspect
import pkgutil

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

import portal
from portal.accounts.models import Member
from portal.forms import PortalForm, clean_text, one_line
from tests.accounts_helpers import make_member, sign_in


def portal_forms():
    """Yield every FlaskForm subclass defined anywhere in the portal package."""
    for info in pkgutil.walk_packages(portal.__path__, "portal."):
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, FlaskForm) and value.__module__ == info.name:
                yield value


def test_every_portal_form_is_a_portal_form():
    forms = list(portal_forms())
    assert len(forms) > 20
    assert [form.__name__ for form in forms if not issubclass(form, PortalForm)] == []


class Sample(PortalForm):
    plain = StringField()
    upper = StringField(filters=[lambda value: value.upper() if value else value])
    long = TextAreaField(filters=[clean_text])


def test_control_characters_are_dropped_before_the_field_filters(app):
    with app.test_request_context(
        method="POST", data={"plain": "a\x00b\x07c", "upper": "x\x00y", "long": " one\r\ntwo\x1b \x85"}
    ):
        form = Sample(meta={"csrf": False})
        assert (form.plain.data, form.upper.data, form.long.data) == ("abc", "XY", "one\ntwo")


def test_text_filters_treat_missing_values_and_files_as_empty():
    assert clean_text(None) == "" and clean_text(object()) == ""
    assert one_line(" a\r\n\tb \x00") == "a b"


def test_a_nul_in_an_admin_form_is_dropped_not_a_server_error(app):
    make_member("admin@example.org", roles=("admin",))
    client = app.test_client()
    sign_in(client, "admin@example.org")
    response = client.post(
        "/workspace/members/invite",
        data={
            "email": "new\x00@example.org",
            "name": "New\x00 Member",
            "roles": ["moderator"],
            "reason": "joined\x00",
        },
    )
    assert response.status_code == 200
    assert Member.by_email("new@example.org").name == "New Member"
