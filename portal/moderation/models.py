"""What the moderation workspace keeps beside each submission: seen marks, notes, assignments,
saved answer templates, digest opt-ins and which items a digest has already counted.

None of these tables copies what a visitor wrote or how to reach them. Rows that hang off a
submission go with it when the person withdraws it (ON DELETE CASCADE).
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..accounts.models import Member, utcnow
from ..db import BaseModel
from ..questions.models import Submission

NOTE_MAX = 2000
TEMPLATE_TITLE_MAX = 120
TEMPLATE_BODY_MAX = 20_000


class AppendOnlyError(RuntimeError):
    """An internal note cannot be changed or deleted."""


class Seen(BaseModel):
    """A member has opened an item: the queue stops marking it as new for them."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    submission = ForeignKeyField(Submission, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("member", "submission"), True),)

    @classmethod
    def ids_for(cls, member_id: int, submission_ids) -> set[int]:
        """Return which of the given items this member has opened."""
        ids = list(submission_ids)
        if not ids:
            return set()
        query = cls.select(cls.submission).where(cls.member == member_id, cls.submission.in_(ids))
        return {row.submission_id for row in query}


class Note(BaseModel):
    """One internal note on an item, by a member; notes are only ever added."""

    submission = ForeignKeyField(Submission, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    # Kept beside the key so the note still says who wrote it if the member is removed.
    author = CharField(max_length=254, default="")
    at = DateTimeField(default=utcnow)
    text = TextField()

    def save(self, force_insert=False, only=None):
        if self.get_id() is not None and not force_insert:
            raise AppendOnlyError("notes cannot be changed")
        return super().save(force_insert=force_insert, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError("notes cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnlyError("notes cannot be changed")

    @classmethod
    def on(cls, submission_id: int):
        """Return an item's notes, oldest first."""
        return cls.select().where(cls.submission == submission_id).order_by(cls.at, cls.id)


class Assignment(BaseModel):
    """Who in the CLT has taken an item on (at most one member per item)."""

    submission = ForeignKeyField(Submission, unique=True, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    assigned_at = DateTimeField(default=utcnow)

    @classmethod
    def members_for(cls, submission_ids) -> dict[int, Member]:
        """Return {submission id: assigned member} for the given items."""
        ids = list(submission_ids)
        if not ids:
            return {}
        query = cls.select(cls, Member).join(Member).where(cls.submission.in_(ids))
        return {row.submission_id: row.member for row in query}


class AnswerTemplate(BaseModel):
    """A saved answer: a title and a Markdown body a member can start an answer or reply from."""

    title = CharField(max_length=TEMPLATE_TITLE_MAX)
    body = TextField()
    updated_at = DateTimeField(default=utcnow)
    updated_by = CharField(max_length=254, default="")

    @classmethod
    def listed(cls):
        """Return every template by title."""
        return cls.select().order_by(cls.title, cls.id)


class DigestSubscription(BaseModel):
    """A moderator who asked for the daily email digest (one row per member; no row: no digest)."""

    member = ForeignKeyField(Member, unique=True, backref="+", on_delete="CASCADE")
    since = DateTimeField(default=utcnow)

    @classmethod
    def is_on(cls, member_id: int) -> bool:
        return cls.select().where(cls.member == member_id).exists()


class DigestedItem(BaseModel):
    """An item a digest has already counted, so the next digest reports only what is newer.

    One row per item rather than a high-water id: SQLite may reuse the id of a withdrawn item.
    """

    submission = ForeignKeyField(Submission, unique=True, backref="+", on_delete="CASCADE")


class DigestRun(BaseModel):
    """One digest that went out: when, how many new items it counted and to how many members."""

    ran_at = DateTimeField(default=utcnow, index=True)
    new_items = IntegerField()
    recipients = IntegerField()

    @classmethod
    def last(cls) -> "DigestRun | None":
        return cls.select().order_by(cls.ran_at.desc(), cls.id.desc()).first()


MODELS = [Seen, Note, Assignment, AnswerTemplate, DigestSubscription, DigestedItem, DigestRun]
