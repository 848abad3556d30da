"""The three ways in (ask, feedback, join) and the receipt-code forms; validation lives here."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..forms import PortalForm, clean_text
from . import choices
from .models import MESSAGE_MAX

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
PHONE = re.compile(r"^[0-9+().\-\s]{7,40}$")


class Text(StringField):
    widget = widgets.TextInput()


class LongText(TextAreaField):
    widget = widgets.TextArea()


class Tick(BooleanField):
    widget = widgets.CheckboxInput()


class ChoiceField(SelectField):
    """A select built from (value, label) pairs whose error for a tampered value is plain language."""

    widget = widgets.Select()

    def __init__(self, label, pairs, **kwargs):
        self.allowed = {value for value, _text in pairs}
        super().__init__(label, choices=[SelectChoice(value, text) for value, text in pairs], **kwargs)

    def pre_validate(self, form):
        if self.data not in self.allowed:
            raise ValidationError(_l("Please choose one of the options in the list."))


def email_address(_form, field):
    """Accept an empty field or something shaped like an email address."""
    if field.data and (len(field.data) > 254 or not EMAIL.match(field.data)):
        raise ValidationError(_l("Enter an email address like name@example.org, or leave this empty."))


def relationship_field():
    """Return the optional 'how are you connected' select."""
    return ChoiceField(
        _l("How are you connected to LEAD? (optional)"), pairs=choices.RELATIONSHIPS, default=""
    )


def neighbourhood_field():
    """Return the optional neighborhood field."""
    return Text(
        _l("Your neighborhood (optional)"),
        filters=[clean_text],
        validators=[Length(max=80, message=_l("Please keep the neighborhood to 80 characters or fewer."))],
        render_kw={"maxlength": 80, "autocomplete": "off"},
    )


class SubmissionForm(PortalForm):
    """What every way in shares: the anti-spam fields. Fields are declared in page order."""

    # Robots fill every field; people never see this one (hidden with CSS, skipped by Tab).
    comment_extra = Text(_l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"})
    started = HiddenField()

    def trap_filled(self) -> bool:
        """Return True when the hidden honeypot field was filled in."""
        return bool((self.comment_extra.data or "").strip())

    def send_as_is_checked(self) -> bool:
        """Return True when the person chose to send a message despite the personal-details warning."""
        field = getattr(self, "send_as_is", None)
        return bool(field is not None and field.data)

    def screened_texts(self) -> tuple[str, ...]:
        """Return the free text to screen for personal details and crisis words."""
        return (self.message.data or "", self.neighbourhood.data or "")


class MessageForm(SubmissionForm):
    """Ask a question or share feedback: a message is required, contact details are optional."""

    message = LongText(
        _l("Your message"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Please write your message.")),
            Length(
                max=MESSAGE_MAX,
                message=_l("Please keep your message to %(max)d characters or fewer. It is %(length)d now."),
            ),
        ],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 8},
    )
    topic = ChoiceField(_l("Topic"), pairs=choices.TOPICS, default="other")
    relationship = relationship_field()
    neighbourhood = neighbourhood_field()
    email = Text(
        _l("Your email, if you want a reply by email (optional)"),
        filters=[clean_text],
        validators=[Optional(), email_address],
        render_kw={"type": "email", "autocomplete": "email", "maxlength": 254, "spellcheck": "false"},
    )
    send_as_is = Tick(_l("Send it as it is"))

    def stored_fields(self) -> dict:
        """Return the values to store."""
        return {
            "message": self.message.data,
            "topic": self.topic.data,
            "relationship": self.relationship.data or None,
            "neighbourhood": self.neighbourhood.data or None,
            "email": self.email.data or None,
        }


class QuestionForm(MessageForm):
    """Ask a question that may be answered in public."""


class FeedbackForm(MessageForm):
    """Tell the CLT something in private."""


class JoinForm(SubmissionForm):
    """Say you would like to join the CLT: the one form where contact details are required."""

    name = Text(
        _l("Your name"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Please tell us your name, so the CLT knows who to contact.")),
            Length(max=100, message=_l("Please keep your name to 100 characters or fewer.")),
        ],
        render_kw={"autocomplete": "name", "maxlength": 100},
    )
    email = Text(
        _l("Your email"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Please give an email address, so the CLT can reach you.")),
            email_address,
        ],
        render_kw={"type": "email", "autocomplete": "email", "maxlength": 254, "spellcheck": "false"},
    )
    phone = Text(
        _l("Your phone number (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Regexp(
                PHONE,
                message=_l("Enter a phone number using digits, spaces and dashes, or leave this empty."),
            ),
        ],
        render_kw={"type": "tel", "autocomplete": "tel", "maxlength": 40},
    )
    relationship = relationship_field()
    neighbourhood = neighbourhood_field()
    message = LongText(
        _l("Why would you like to join? (optional)"),
        filters=[clean_text],
        validators=[
            Length(
                max=MESSAGE_MAX,
                message=_l("Please keep your message to %(max)d characters or fewer. It is %(length)d now."),
            )
        ],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 5},
    )

    def stored_fields(self) -> dict:
        """Return the values to store."""
        return {
            "message": self.message.data or "",
            "topic": "clt",
            "relationship": self.relationship.data or None,
            "neighbourhood": self.neighbourhood.data or None,
            "name": self.name.data,
            "email": self.email.data,
            "phone": self.phone.data or None,
        }


class CodeForm(PortalForm):
    """Type a receipt code to see, or withdraw, what you sent."""

    code = Text(
        _l("Your receipt code"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Please type your receipt code.")),
            Length(max=200, message=_l("That is longer than any receipt code. Please check it.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "maxlength": 200},
    )
    confirm = HiddenField()
