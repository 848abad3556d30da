"""The organizers' forms: an event (times typed in Albany local time), cancelling it, and plain actions."""

import datetime
import re

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import PortalForm, clean_text, one_line
from .forms import FriendlyParse, WholeNumberField
from .localtime import NonexistentTimeError, to_utc
from .models import KINDS

MAX_CAPACITY = 500
MARKDOWN_LIMIT = 20_000
HTTPS_URL = re.compile(r"^https://[^\s<>\"']+$")
SITE_PATH = re.compile(r"^/[^\s<>\"'/][^\s<>\"']*$")


class DayField(FriendlyParse, DateField):
    """A date whose error says what to type."""


class ClockField(FriendlyParse, TimeField):
    """A time of day whose error says what to type."""


def _markdown(label):
    return TextAreaField(
        label,
        filters=[clean_text],
        validators=[Length(max=MARKDOWN_LIMIT, message=_l("Please keep this under 20,000 characters."))],
        render_kw={"rows": 8},
    )


def _https(form, field):
    if field.data and not HTTPS_URL.match(field.data):
        raise ValidationError(_l("Please enter a full web address that starts with https://"))


def _link(form, field):
    if field.data and not (HTTPS_URL.match(field.data) or SITE_PATH.match(field.data)):
        raise ValidationError(
            _l("Please enter a page on this site (like /moderation/packets/3) or an https:// address.")
        )


class EventForm(PortalForm):
    """Create or edit an event. Times are entered as Albany wall-clock times."""

    kind = SelectField(
        _l("Kind of event"), choices=[SelectChoice(key, label) for key, label in KINDS.items()]
    )
    title = StringField(
        _l("Title"),
        filters=[one_line],
        validators=[DataRequired(message=_l("Please give the event a title.")), Length(max=160)],
    )
    summary = StringField(
        _l("Summary"),
        filters=[one_line],
        validators=[DataRequired(message=_l("Please add a one-sentence summary.")), Length(max=300)],
    )
    description = _markdown(_l("What it covers (Markdown)"))
    day = DayField(
        _l("Date"),
        validators=[InputRequired(message=_l("Please enter the date, like 2027-03-14."))],
        message=_l("Please enter the date, like 2027-03-14."),
        render_kw={"type": "date"},
    )
    start = ClockField(
        _l("Start time (Albany time)"),
        format=["%H:%M", "%H:%M:%S"],
        validators=[InputRequired(message=_l("Please enter the start time, like 18:30."))],
        message=_l("Please enter the start time, like 18:30."),
    )
    end = ClockField(
        _l("End time (Albany time)"),
        format=["%H:%M", "%H:%M:%S"],
        validators=[InputRequired(message=_l("Please enter the end time, like 20:00."))],
        message=_l("Please enter the end time, like 20:00."),
    )
    location = StringField(
        _l("Place"),
        filters=[one_line],
        validators=[DataRequired(message=_l("Please say where it is, or 'Online'.")), Length(max=200)],
    )
    online_url = StringField(
        _l("Online link (optional)"), filters=[one_line], validators=[Length(max=500), _https]
    )
    accessibility = TextAreaField(
        _l("Accessibility details"),
        filters=[clean_text],
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
    capacity = WholeNumberField(
        _l("Seats (leave empty if people do not need to register)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_CAPACITY, message=_l("Please enter a number of seats from 1 to 500.")),
        ],
        message=_l("Please enter the number of seats as a whole number, like 20."),
    )
    materials = _markdown(_l("Materials (Markdown)"))
    materials_published = BooleanField(_l("Publish the materials on the event page"))
    agenda = _markdown(_l("Agenda (Markdown, for CLT meetings)"))
    minutes = _markdown(_l("Minutes (Markdown, for CLT meetings)"))
    minutes_published = BooleanField(_l("Publish the minutes on the event page"))
    packet_url = StringField(
        _l("Link to the public meeting packet summary (optional)"),
        filters=[one_line],
        validators=[Length(max=500), _link],
    )
    submit = SubmitField(_l("Save"))

    # Filled in by validation: the UTC times to store, and whether a time was ambiguous.
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    ambiguous: list[str]

    def validate(self, extra_validators=None):
        self.ambiguous = []
        valid = super().validate(extra_validators)
        # Checked here, not in validate_capacity: Optional() stops the field's own chain when empty.
        if self.kind.data == "session" and self.capacity.data is None and not self.capacity.errors:
            self.capacity.errors.append(_l("Business education sessions need a number of seats."))
            valid = False
        return valid

    def _convert(self, field) -> datetime.datetime:
        try:
            moment, ambiguous = to_utc(self.day.data, field.data)
        except NonexistentTimeError:
            raise ValidationError(
                _l(
                    "%(time)s does not exist on %(day)s: clocks go forward from 2:00 AM to 3:00 AM "
                    "that night. Please choose another time.",
                    time=field.data.strftime("%H:%M"),
                    day=format_date(self.day.data, "long"),
                )
            ) from None
        if ambiguous:
            self.ambiguous.append(field.data.strftime("%H:%M"))
        return moment

    def validate_start(self, field):
        if self.day.data and field.data:
            self.starts_at = self._convert(field)

    def validate_end(self, field):
        if not (self.day.data and field.data):
            return
        self.ends_at = self._convert(field)
        if self.start.data and field.data <= self.start.data:
            raise ValidationError(_l("The end time must be later than the start time, on the same day."))


class CancelEventForm(PortalForm):
    """Cancel an event; everyone registered gets an email."""

    reason = TextAreaField(
        _l("Reason to tell registrants (optional)"),
        filters=[clean_text],
        validators=[Length(max=500)],
        render_kw={"rows": 3},
    )
    confirm = BooleanField(
        _l("Yes, cancel this event and email everyone who registered"),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
    submit = SubmitField(_l("Cancel the event"))


class ActionForm(PortalForm):
    """A button that changes something: the CSRF token is its only field."""

    submit = SubmitField(_l("Go"))
