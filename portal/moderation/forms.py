"""The moderation forms; lengths, choices and the publish-after-preview rule live here."""

import datetime
import hashlib
import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import PortalForm, clean_text
from ..questions import choices
from ..questions.models import QUESTION_TEXT_MAX
from ..questions.search import MAX_QUERY
from ..questions.workflow import REPLY_MAX
from . import bulk, hiding, queue
from .models import NOTE_MAX, TEMPLATE_BODY_MAX, TEMPLATE_TITLE_MAX

ANSWER_MAX = 20_000
KIND_LABELS = {
    choices.QUESTION: _l("Question"),
    choices.FEEDBACK: _l("Feedback"),
    choices.JOIN: _l("Request to join"),
}
STATE_LABELS = {
    queue.OPEN: _l("Open (received, reviewing or discussed)"),
    queue.ALL: _l("Every state"),
    choices.RECEIVED: _l("Received"),
    choices.REVIEWING: _l("Reviewing"),
    choices.DISCUSSED: _l("Discussed"),
    choices.ANSWERED: _l("Answered in public"),
    choices.REPLIED: _l("Replied privately"),
    choices.CLOSED: _l("Closed"),
    choices.HIDDEN: _l("Hidden"),
}
FLAG_LABELS = {
    "": _l("Any item"),
    "any": _l("Flagged (crisis or personal details)"),
    "crisis": _l("Flagged: possible crisis"),
    "personal": _l("Flagged: personal details"),
    "unseen": _l("Not opened by me yet"),
    "mine": _l("Assigned to me"),
    "unassigned": _l("Assigned to nobody"),
}
SORT_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "flagged": _l("Flagged first")}


def whole_number(text: str | None, digits: int = 11) -> int | None:
    """Return a short run of ASCII digits as an int (ids, page numbers), or None for anything else."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


class Choice(SelectField):
    """A select whose choices may be set after the form is built; a tampered value gets a plain message."""

    def __init__(self, label, pairs=(), **kwargs):
        super().__init__(label, choices=[SelectChoice(v, t) for v, t in pairs], **kwargs)

    def set_pairs(self, pairs) -> None:
        self.choices = [SelectChoice(v, t) for v, t in pairs]

    def pre_validate(self, form):
        if self.validate_choice and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Please choose one of the options in the list."))


class Day(DateField):
    """A date typed as YYYY-MM-DD, with an error that says so."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Please enter a date like 2026-03-14.")) from None


def _text(label, limit, required_message=None, rows=None):
    validators = [
        Length(max=limit, message=_l("Please keep this to %(num)d characters or fewer.", num=limit))
    ]
    validators.insert(0, DataRequired(message=required_message) if required_message else Optional())
    render_kw = {"rows": rows} if rows else {"maxlength": limit}
    field = TextAreaField if rows else StringField
    return field(label, filters=[clean_text], validators=validators, render_kw=render_kw)


class QueueFilterForm(PortalForm):
    """The queue's filters (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the messages"), filters=[clean_text], validators=[Length(max=MAX_QUERY)])
    kind = Choice(_l("Kind"), [("", _l("Every kind")), *KIND_LABELS.items()], default="")
    topic = Choice(_l("Topic"), [("", _l("Every topic")), *choices.TOPICS], default="")
    state = Choice(_l("State"), list(STATE_LABELS.items()), default=queue.OPEN)
    flag = Choice(_l("Show"), list(FLAG_LABELS.items()), default="")
    since = Day(_l("Received from"), validators=[Optional()])
    until = Day(_l("Received until"), validators=[Optional()])
    sort = Choice(_l("Order"), list(SORT_LABELS.items()), default="newest")

    def filters(self) -> queue.Filters:
        """Return the filters, using the default for any field that is empty or did not validate."""
        return queue.Filters(
            kind=_valid(self.kind, ""),
            topic=_valid(self.topic, ""),
            state=_valid(self.state, queue.OPEN),
            flag=_valid(self.flag, ""),
            since=_valid(self.since, None),
            until=_valid(self.until, None),
            q=_valid(self.q, ""),
            sort=_valid(self.sort, "newest"),
        )


def _valid(field, default):
    return default if field.errors or not field.data else field.data


class ActionForm(PortalForm):
    """A button that changes something: only the CSRF token."""


class BulkForm(PortalForm):
    """Apply one action to the items ticked in the queue."""

    action = Choice(_l("With the selected items"), bulk.ACTIONS)
    assignee = Choice(_l("Assign to"), [("", _l("Nobody"))], default="", validate_choice=False)
    confirm = HiddenField()

    def validate_assignee(self, field):
        if self.action.data == bulk.ASSIGN and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Please choose one of the options in the list."))


def preview_checksum(item_id: int, question: str, answer: str, topic: str) -> str:
    """Return a keyed digest of exactly what a preview showed."""
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"moderation-preview v1", hashlib.sha256
    ).digest()
    text = "\x1f".join((str(item_id), question or "", answer or "", topic or ""))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class PublishForm(PortalForm):
    """Publish the question, edited to remove anything identifying, with a Markdown answer."""

    question = _text(
        _l("The question as it will appear in public"),
        QUESTION_TEXT_MAX,
        _l("Please write the question as it should appear in public."),
        rows=4,
    )
    answer = _text(
        _l("The answer (Markdown)"), ANSWER_MAX, _l("Please write the answer before you preview it."), rows=10
    )
    topic = Choice(_l("Topic"), choices.TOPICS)
    template = Choice(_l("Start from a saved template"), [("", _l("No template"))], default="")
    checksum = HiddenField()
    use_template = SubmitField(_l("Use template"))
    preview = SubmitField(_l("Preview"))
    publish = SubmitField(_l("Publish"))

    def matches_preview(self, item_id: int) -> bool:
        """Tell whether what is being published is exactly what the last preview showed."""
        expected = preview_checksum(item_id, self.question.data, self.answer.data, self.topic.data)
        return hmac.compare_digest(expected, self.checksum.data or "")


class ReplyForm(PortalForm):
    """A private reply, read with the receipt code (and emailed if an address was given)."""

    text = _text(_l("Your reply"), REPLY_MAX, _l("Please write the reply."), rows=8)
    template = Choice(_l("Start from a saved template"), [("", _l("No template"))], default="")
    use_template = SubmitField(_l("Use template"))
    send = SubmitField(_l("Send the reply"))


class LinkForm(PortalForm):
    """Mark a question as a repeat of one already answered."""

    answer = Choice(_l("Answered question"), [])


class TopicForm(PortalForm):
    topic = Choice(_l("Topic"), choices.TOPICS)


class AssignForm(PortalForm):
    member = Choice(_l("Assign to"), [("", _l("Nobody"))], default="")


class HideForm(PortalForm):
    """Hide an item: a reason counted in public by category, and optional words kept inside."""

    reason = Choice(_l("Why hide it"), hiding.REASONS)
    detail = _text(_l("More detail for the CLT (optional)"), hiding.DETAIL_MAX)


class NoteForm(PortalForm):
    text = _text(_l("Add an internal note"), NOTE_MAX, _l("Please write the note."), rows=3)


class TemplateForm(PortalForm):
    """A saved answer template."""

    title = _text(_l("Title"), TEMPLATE_TITLE_MAX, _l("Please give the template a title."))
    body = _text(_l("Text (Markdown)"), TEMPLATE_BODY_MAX, _l("Please write the template's text."), rows=10)


class PeriodForm(PortalForm):
    """The packet's period (a GET form)."""

    class Meta:
        csrf = False

    since = Day(_l("From"), validators=[Optional()])
    until = Day(_l("To"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end of the period must not be before its start."))


class DiscussedForm(PortalForm):
    """Record which items the CLT discussed at a meeting."""

    on = Day(
        _l("Date of the meeting"),
        validators=[DataRequired(message=_l("Please enter a date like 2026-03-14."))],
    )

    def validate_on(self, field):
        today = datetime.datetime.now(datetime.UTC).date()
        if field.data and field.data > today:
            raise ValidationError(_l("The meeting date cannot be in the future."))


class DigestForm(PortalForm):
    """Turn the daily digest on or off."""

    turn_on = SubmitField(_l("Send me the daily digest"))
    turn_off = SubmitField(_l("Stop the daily digest"))
