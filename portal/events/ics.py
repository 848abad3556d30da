"""iCalendar files: one per event, and a feed of all events that calendar apps can subscribe to."""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar

from .localtime import to_local
from .models import Event

PRODID = "-//Albany LEAD Community Leadership Team//Events//EN"


def _uid(event: Event, site_url: str) -> str:
    return f"event-{event.id}@{urlsplit(site_url).hostname or 'localhost'}"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(tzinfo=datetime.UTC)


def _component(event: Event, site_url: str) -> icalendar.Event:
    url = site_url.rstrip("/") + event.path
    entry = icalendar.Event()
    entry.add("uid", _uid(event, site_url))
    entry.add("dtstamp", _utc(event.updated_at))
    entry.add("last-modified", _utc(event.updated_at))
    entry.add("sequence", event.sequence)
    # Local times with their VTIMEZONE: calendar apps show the Albany time even across DST.
    entry.add("dtstart", to_local(event.starts_at))
    entry.add("dtend", to_local(event.ends_at))
    entry.add("summary", event.title)
    entry.add("location", event.location)
    entry.add("url", url)
    details = [event.summary, "", f"Details: {url}"]
    if event.accessibility:
        details[1:1] = ["", f"Access: {event.accessibility}"]
    entry.add("description", "\n".join(details))
    entry.add("categories", [event.kind_label])
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return entry


def calendar_bytes(events: Iterable[Event], site_url: str, name: str) -> bytes:
    """Return an iCalendar file holding the given events."""
    events = list(events)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/New_York")
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for event in events:
        calendar.add_component(_component(event, site_url))
    if events:
        # A VTIMEZONE that covers the events' years keeps the file small.
        first = min(to_local(e.starts_at) for e in events).date().replace(month=1, day=1)
        last = max(to_local(e.ends_at) for e in events).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last + datetime.timedelta(days=1))
    return calendar.to_ical()
