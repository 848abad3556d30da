"""What the public pages show: the list of events and each event's state, in as few queries as possible."""

import datetime
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from . import booking
from .models import Event, Registration

PAST_LIMIT = 30


@dataclass
class Listing:
    """One event as a line on the events page."""

    event: Event
    free: int | None
    availability: str


def availability(event: Event, free: int | None, now: datetime.datetime) -> str:
    """Return a short plain-language status such as '12 seats left' or 'Full: join the waitlist'."""
    if event.is_cancelled:
        return _("Cancelled")
    if free is None:
        return _("Open to everyone. No need to register.") if not event.has_ended(now) else ""
    if event.has_started(now):
        return ""
    if free == 0:
        return _("Full: you can join the waitlist")
    return ngettext("%(num)d seat left", "%(num)d seats left", free)


def _listings(events: list[Event], now: datetime.datetime) -> list[Listing]:
    taken = Registration.seats_by_event(e.id for e in events if e.capacity is not None)
    rows = []
    for event in events:
        free = None if event.capacity is None else max(0, event.capacity - taken.get(event.id, 0))
        rows.append(Listing(event, free, availability(event, free, now)))
    return rows


def listing(now: datetime.datetime, kind: str | None = None) -> tuple[list[Listing], list[Listing]]:
    """Return (upcoming, past) public events, optionally of one kind."""
    upcoming, past = Event.upcoming(now), Event.past(now).limit(PAST_LIMIT)
    if kind:
        upcoming, past = upcoming.where(Event.kind == kind), past.where(Event.kind == kind)
    return _listings(list(upcoming), now), _listings(list(past), now)


def public_event(event_id: int) -> Event | None:
    """Return a published or cancelled event, or None (drafts stay hidden)."""
    return Event.public().where(Event.id == event_id).get_or_none()


@dataclass
class EventPage:
    """Everything the event page needs to know besides the event itself."""

    event: Event
    free: int | None
    availability: str
    closed_reason: str | None
    ended: bool


def event_page(event: Event, now: datetime.datetime) -> EventPage:
    """Return the event with its seats and whether it takes registrations right now."""
    free = booking.free_seats(event)
    reason = booking.closed_reason(event, now)
    return EventPage(event, free, availability(event, free, now), reason, event.has_ended(now))


def feed_events(now: datetime.datetime) -> list[Event]:
    """Return the events in the calendar feed: every public event from a year back onward."""
    since = now - datetime.timedelta(days=365)
    return list(Event.public().where(Event.ends_at >= since).order_by(Event.starts_at))
