"""Events, registrations, the private links sent to registrants, and evaluation answers."""

import datetime

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
    fn,
)

from ..db import BaseModel, db

KINDS = {
    "session": _l("Business education session"),
    "meeting": _l("CLT meeting"),
    "forum": _l("Community forum"),
}
DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
CONFIRMED, WAITLISTED, WITHDRAWN = "confirmed", "waitlisted", "cancelled"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Event(BaseModel):
    """One session, meeting or forum. Times are naive UTC; Markdown fields keep source and clean HTML."""

    kind = CharField(max_length=16)
    title = CharField(max_length=160)
    slug = CharField(max_length=80)
    summary = CharField(max_length=300)
    description_md = TextField(default="")
    description_html = TextField(default="")
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    location = CharField(max_length=200)
    online_url = CharField(max_length=500, default="")
    accessibility = TextField(default="")
    # None means the event takes no registration (people just come).
    capacity = IntegerField(null=True)
    status = CharField(max_length=12, default=DRAFT, index=True)
    cancel_reason = TextField(default="")
    materials_md = TextField(default="")
    materials_html = TextField(default="")
    materials_published = BooleanField(default=False)
    agenda_md = TextField(default="")
    agenda_html = TextField(default="")
    minutes_md = TextField(default="")
    minutes_html = TextField(default="")
    minutes_published = BooleanField(default=False)
    packet_url = CharField(max_length=500, default="")
    # iCalendar SEQUENCE: calendar apps replace their copy only when this goes up.
    sequence = IntegerField(default=0)
    created_at = DateTimeField(default=_now)
    updated_at = DateTimeField(default=_now)

    @classmethod
    def public(cls):
        """Return events that visitors may see (published or cancelled, never drafts)."""
        return cls.select().where(cls.status.in_([PUBLISHED, CANCELLED]))

    @classmethod
    def upcoming(cls, now: datetime.datetime):
        """Return public events that have not ended, soonest first."""
        return cls.public().where(cls.ends_at >= now).order_by(cls.starts_at, cls.id)

    @classmethod
    def past(cls, now: datetime.datetime):
        """Return public events that have ended, latest first."""
        return cls.public().where(cls.ends_at < now).order_by(cls.starts_at.desc(), cls.id.desc())

    @classmethod
    def locked(cls, event_id: int):
        """Return the event row locked for this transaction (FOR UPDATE where the database has it).

        SQLite has no row locks; there BEGIN IMMEDIATE already serialises every writer.
        """
        query = cls.select().where(cls.id == event_id)
        if getattr(db.obj, "for_update", False):
            query = query.for_update()
        return query.get_or_none()

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    @property
    def path(self) -> str:
        return f"/events/{self.id}-{self.slug}"

    @property
    def ics_path(self) -> str:
        return f"/events/{self.id}.ics"

    @property
    def takes_registration(self) -> bool:
        return self.capacity is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED

    def has_started(self, now: datetime.datetime) -> bool:
        return self.starts_at <= now

    def has_ended(self, now: datetime.datetime) -> bool:
        return self.ends_at < now


class Registration(BaseModel):
    """A business's booking of N seats, or its place on the waitlist."""

    event = ForeignKeyField(Event, backref="registrations", on_delete="CASCADE")
    # A random value in each rendered form: the same form sent twice books once.
    submission_key = CharField(max_length=64)
    business_name = CharField(max_length=160)
    contact_name = CharField(max_length=120)
    email = CharField(max_length=254)
    phone = CharField(max_length=40, default="")
    attendees = SmallIntegerField()
    accessibility_needs = TextField(default="")
    status = CharField(max_length=12, index=True)
    # When the registration joined the waitlist: the queue is served in this order.
    queued_at = DateTimeField(null=True)
    attended = BooleanField(null=True)
    evaluated = BooleanField(default=False)
    created_at = DateTimeField(default=_now)
    updated_at = DateTimeField(default=_now)
    reminded_at = DateTimeField(null=True)
    evaluation_sent_at = DateTimeField(null=True)
    purged_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("event", "submission_key"), True),)

    @classmethod
    def seats_taken(cls, event_id: int) -> int:
        """Return the confirmed seats of one event."""
        query = cls.select(fn.COALESCE(fn.SUM(cls.attendees), 0)).where(
            cls.event == event_id, cls.status == CONFIRMED
        )
        return int(query.scalar() or 0)

    @classmethod
    def seats_by_event(cls, event_ids) -> dict[int, int]:
        """Return confirmed seats for many events in one query."""
        query = (
            cls.select(cls.event, fn.SUM(cls.attendees).alias("seats"))
            .where(cls.event.in_(list(event_ids)), cls.status == CONFIRMED)
            .group_by(cls.event)
        )
        return {row.event_id: int(row.seats) for row in query}

    @classmethod
    def waitlist(cls, event_id: int):
        """Return the event's waitlist in the order it is served."""
        return (
            cls.select()
            .where(cls.event == event_id, cls.status == WAITLISTED)
            .order_by(cls.queued_at, cls.id)
        )

    @classmethod
    def roster(cls, event_id: int):
        """Return every registration for an event: confirmed, then waitlisted in order, then cancelled."""
        order = Case(None, [(cls.status == CONFIRMED, 0), (cls.status == WAITLISTED, 1)], 2)
        return (
            cls.select().where(cls.event == event_id).order_by(order, cls.queued_at, cls.created_at, cls.id)
        )

    @property
    def is_active(self) -> bool:
        return self.status in (CONFIRMED, WAITLISTED)


class AccessLink(BaseModel):
    """The hash of one private link sent to a registrant; the link itself is never stored."""

    registration = ForeignKeyField(Registration, backref="links", on_delete="CASCADE")
    purpose = CharField(max_length=12)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=_now)


class Evaluation(BaseModel):
    """One answer to the after-session questions; kept without any link to who gave it."""

    event = ForeignKeyField(Event, backref="evaluations", on_delete="CASCADE")
    understanding_before = SmallIntegerField()
    understanding_after = SmallIntegerField()
    usefulness = SmallIntegerField()
    recommend = CharField(max_length=8)
    # Never published; organizers read it in the workspace.
    comment = TextField(default="")
    submitted_on = DateField()


MODELS = [Event, Registration, AccessLink, Evaluation]
