"""The base of every portal form, and the text filters the forms share."""

import re

from flask_wtf import FlaskForm

# Control characters other than tab and new line are pasted only by accident or by a robot,
# and NUL in particular cannot be stored in PostgreSQL text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n\t]+")


def drop_control(value):
    """Remove control characters from text; leave other values alone."""
    return CONTROL.sub("", value) if isinstance(value, str) else value


def clean_text(value):
    """Drop control characters, normalise line endings and trim; a missing field or a file becomes ''."""
    if not isinstance(value, str):
        return ""
    return drop_control(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def one_line(value):
    """Like clean_text, and fold line breaks and tabs into one space."""
    return LINE_BREAKS.sub(" ", clean_text(value))


class PortalForm(FlaskForm):
    """A FlaskForm whose every field drops control characters before any other filter runs."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # One place for this rule, so no form can forget it and let NUL reach the database.
            filters = [drop_control, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)
