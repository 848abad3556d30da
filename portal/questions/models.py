"""What people send the CLT, and the answers the CLT publishes.

Privacy by schema: no column holds an IP address, a user agent or a time of day. Dates are
calendar dates (UTC). Contact details are optional and are cleared by retention.py.
"""

import datetime

from peewee import BooleanField, CharField, DateField, ForeignKeyField, TextField

from ..db import BaseModel
from . import answers, choices

MESSAGE_MAX = 3000
QUESTION_TEXT_MAX = 1000


def today() -> datetime.date:
    """Return today's date in UTC."""
    return datetime.datetime.now(datetime.UTC).date()


class Answer(BaseModel):
    """A question as edited by the CLT, with its public answer.

    It survives the withdrawal of the submission it came from: the edited text is the CLT's.
    """

    slug = CharField(max_length=80)
    question_text = TextField()
    answer_html = TextField()  # sanitised by answers.sanitize_answer before it is stored
    topic = CharField(max_length=20, index=True)
    published_on = DateField(index=True)
    updated_on = DateField(null=True)
    published_by = CharField(max_length=100, null=True)  # the CLT member, never a visitor

    @classmethod
    def published(cls):
        """Return every public answer, newest first."""
        return cls.select().order_by(cls.published_on.desc(), cls.id.desc())

    @classmethod
    def newest(cls, limit: int = 20):
        """Return the newest public answers."""
        return cls.published().limit(limit)

    @property
    def path(self) -> str:
        """Return the answer's own URL path."""
        return f"/answers/{self.id}-{self.slug}"

    @property
    def topic_label(self):
        return choices.topic_label(self.topic)

    @property
    def answer_markup(self):
        """Return the answer as HTML that is safe to put in a page."""
        return answers.as_markup(self.answer_html)

    @property
    def plain_answer(self) -> str:
        """Return the answer's words without markup."""
        return answers.plain_text(self.answer_html)


class Submission(BaseModel):
    """One question, piece of feedback or request to join, as the person sent it."""

    kind = CharField(max_length=10, choices=[(k, k) for k in choices.KINDS])
    message = TextField(default="")
    topic = CharField(max_length=20, default="other")
    relationship = CharField(max_length=20, null=True)
    neighbourhood = CharField(max_length=80, null=True)
    # Contact details: optional for questions and feedback, required to join; cleared on schedule.
    email = CharField(max_length=254, null=True)
    name = CharField(max_length=100, null=True)
    phone = CharField(max_length=40, null=True)
    created_on = DateField(default=today)
    status = CharField(max_length=10, default=choices.RECEIVED, index=True)
    status_on = DateField(default=today)
    flag_personal = BooleanField(default=False)
    personal_kinds = CharField(max_length=100, default="")  # comma-separated keys from screening
    flag_crisis = BooleanField(default=False)
    receipt_hash = CharField(max_length=64, unique=True)
    meeting_on = DateField(null=True)
    reply_text = TextField(null=True)
    replied_on = DateField(null=True)
    answer = ForeignKeyField(Answer, null=True, backref="submissions", on_delete="SET NULL")
    closed_on = DateField(null=True, index=True)
    # The day the CLT first moved it to reviewing, answered, replied or closed (for /accountability).
    first_response_on = DateField(null=True)
    hidden_reason = CharField(max_length=200, null=True)
    handled_by = CharField(max_length=100, null=True)  # the CLT member who last changed it

    @classmethod
    def by_receipt(cls, receipt_hash: str):
        """Return the submission with this receipt hash, or None."""
        return cls.get_or_none(cls.receipt_hash == receipt_hash)

    @classmethod
    def awaiting_review(cls):
        """Return items no one has finished with yet, oldest first."""
        open_states = (choices.RECEIVED, choices.REVIEWING, choices.DISCUSSED)
        return cls.select().where(cls.status.in_(open_states)).order_by(cls.created_on, cls.id)

    @classmethod
    def of_kind(cls, kind: str):
        """Return every item of one kind, newest first."""
        return cls.select().where(cls.kind == kind).order_by(cls.created_on.desc(), cls.id.desc())

    @classmethod
    def flagged(cls):
        """Return items flagged for possible personal details or a crisis, newest first."""
        return (
            cls.select()
            .where(cls.flag_personal | cls.flag_crisis)
            .order_by(cls.created_on.desc(), cls.id.desc())
        )

    @classmethod
    def contacts_expired(cls, closed_before: datetime.date):
        """Return closed items that still hold contact details and closed on or before a date."""
        has_contact = cls.email.is_null(False) | cls.name.is_null(False) | cls.phone.is_null(False)
        return cls.select().where(cls.closed_on.is_null(False), cls.closed_on <= closed_before, has_contact)

    @property
    def personal_list(self) -> list[str]:
        """Return the kinds of personal detail the screening found."""
        return [kind for kind in self.personal_kinds.split(",") if kind]

    @property
    def topic_label(self):
        return choices.topic_label(self.topic)


MODELS = [Answer, Submission]
