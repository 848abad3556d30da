"""The public forms: register, change a registration, cancel it, and the evaluation."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..forms import PortalForm, clean_text, one_line
from .results import SCALE

MAX_PARTY = 10
# One @, something on each side, a dot in the domain, and nothing that could break a mail header.
EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]{2,}$")
PHONE = re.compile(r"^[0-9 +().\-]*(?:(?:ext|x)\.? ?[0-9]{1,6})?$", re.IGNORECASE)
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class FriendlyParse:
    """Mixin: replace WTForms' 'Not a valid ... value.' with a message that says what to type."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        # No count, date or time is this long; a 400-digit number would also overflow NumberRange.
        if valuelist and isinstance(valuelist[0], str) and len(valuelist[0].strip()) > 20:
            raise ValueError(self.message or _l("Please check this value."))
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message or _l("Please check this value.")) from None


class WholeNumberField(FriendlyParse, IntegerField):
    """A whole number whose error for '3 people' or '1e9' says what to type."""


def _valid_email(form, field):
    if not EMAIL.match(field.data or ""):
        raise ValidationError(_l("Please enter an email address like name@example.com."))


def _party_size():
    message = _l("Please enter a number of people from 1 to %(most)d.", most=MAX_PARTY)
    return WholeNumberField(
        _l("How many people will come?"),
        validators=[InputRequired(message=message), NumberRange(min=1, max=MAX_PARTY, message=message)],
        message=message,
        default=1,
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_PARTY},
    )


def _phone():
    return StringField(
        _l("Phone (optional)"),
        filters=[one_line],
        validators=[
            Optional(),
            Length(max=40, message=_l("Please keep the phone number under 40 characters.")),
            Regexp(PHONE, message=_l("Please use only numbers, spaces and + ( ) - in the phone number.")),
        ],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )


def _access_needs():
    return TextAreaField(
        _l("Anything we can do to make the session work for you? (optional)"),
        filters=[clean_text],
        validators=[Length(max=1000, message=_l("Please keep this under 1,000 characters."))],
        render_kw={"rows": 3},
    )


class RegistrationForm(PortalForm):
    """Sign a business up for a session; no account needed."""

    business_name = StringField(
        _l("Business name"),
        filters=[one_line],
        validators=[
            DataRequired(message=_l("Please enter the name of your business.")),
            Length(max=160, message=_l("Please keep the business name under 160 characters.")),
        ],
        render_kw={"autocomplete": "organization"},
    )
    contact_name = StringField(
        _l("Your name"),
        filters=[one_line],
        validators=[
            DataRequired(message=_l("Please enter your name, so we know who to expect.")),
            Length(max=120, message=_l("Please keep your name under 120 characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = StringField(
        _l("Email"),
        filters=[one_line],
        validators=[
            DataRequired(message=_l("Please enter your email address. We send your private link there.")),
            Length(max=254, message=_l("Please keep the email address under 254 characters.")),
            _valid_email,
        ],
        render_kw={"autocomplete": "email", "type": "email", "spellcheck": "false"},
    )
    phone = _phone()
    attendees = _party_size()
    accessibility_needs = _access_needs()
    submission_key = HiddenField(default=lambda: secrets.token_urlsafe(16))
    submit = SubmitField(_l("Register"))

    def validate_submission_key(self, field):
        if not SUBMISSION_KEY.match(field.data or ""):
            raise ValidationError(_l("This form was incomplete. Please reload the page and try again."))


class ChangeForm(PortalForm):
    """Change the party size, phone or access needs of a registration."""

    attendees = _party_size()
    phone = _phone()
    accessibility_needs = _access_needs()
    submit = SubmitField(_l("Save changes"))


class CancelForm(PortalForm):
    """Cancel a registration (a button; the CSRF token is the only field)."""

    submit = SubmitField(_l("Cancel my registration"))


def _scale(label, low, high):
    choices = [SelectChoice(str(p), str(p)) for p in SCALE]
    choices[0], choices[-1] = SelectChoice("1", low), SelectChoice("5", high)
    return RadioField(
        label, choices=choices, validators=[InputRequired(message=_l("Please pick one answer."))]
    )


class EvaluationForm(PortalForm):
    """Five short questions after a session."""

    before = _scale(
        _l("Before the session, how well did you understand LEAD?"), _l("1 – not at all"), _l("5 – very well")
    )
    after = _scale(
        _l("After the session, how well do you understand LEAD?"), _l("1 – not at all"), _l("5 – very well")
    )
    usefulness = _scale(
        _l("How useful was the session for you and your staff?"), _l("1 – not useful"), _l("5 – very useful")
    )
    recommend = RadioField(
        _l("Would you recommend the session to another business?"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("maybe", _l("Maybe")),
            SelectChoice("no", _l("No")),
        ],
        validators=[InputRequired(message=_l("Please pick one answer."))],
    )
    comment = TextAreaField(
        _l("Anything else you want to tell us? (optional)"),
        filters=[clean_text],
        validators=[Length(max=2000, message=_l("Please keep your comment under 2,000 characters."))],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Send my answers"))
