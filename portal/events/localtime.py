"""Convert between the UTC times we store and the Albany wall-clock times people read and type."""

import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

ZONE = ZoneInfo("America/New_York")
UTC = datetime.UTC


class NonexistentTimeError(ValueError):
    """A local time that the spring-forward gap skips (for example 2:30 a.m. on that Sunday)."""


def utcnow() -> datetime.datetime:
    """Return the current time as a naive UTC datetime, the form the database stores."""
    return datetime.datetime.now(UTC).replace(tzinfo=None)


def to_utc(day: datetime.date, at: datetime.time) -> tuple[datetime.datetime, bool]:
    """Return (naive UTC, ambiguous) for a local date and time in Albany.

    An ambiguous fall-back time (it happens twice) resolves to its first occurrence, still on
    daylight time; the flag lets the caller say so. A time in the spring-forward gap raises.
    """
    first = datetime.datetime.combine(day, at.replace(tzinfo=None), tzinfo=ZONE)
    second = first.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        # zoneinfo gives the gap's two readings opposite offsets from the fold's; a round trip
        # through UTC changes the wall-clock time only when it does not exist.
        back = first.astimezone(UTC).astimezone(ZONE)
        if back.replace(tzinfo=None) != first.replace(tzinfo=None):
            raise NonexistentTimeError(f"{day} {at} does not exist in {ZONE.key}")
        return first.astimezone(UTC).replace(tzinfo=None), True
    return first.astimezone(UTC).replace(tzinfo=None), False


def to_local(moment: datetime.datetime) -> datetime.datetime:
    """Return a stored (naive UTC) time as an aware Albany time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE)


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    """Return today's date in Albany."""
    return to_local(now or utcnow()).date()


def format_day(moment: datetime.datetime, locale: str = "en") -> str:
    """Return e.g. 'Tuesday, March 10, 2026' for a stored time."""
    return babel_dates.format_date(to_local(moment).date(), format="full", locale=locale)


def format_clock(moment: datetime.datetime, locale: str = "en", zone: bool = False) -> str:
    """Return e.g. '6:30 PM' (or '6:30 PM EDT') for a stored time."""
    local = to_local(moment)
    text = babel_dates.format_time(local.time(), format="h:mm a", locale=locale)
    return f"{text} {local.tzname()}" if zone else text


def format_span(start: datetime.datetime, end: datetime.datetime, locale: str = "en") -> str:
    """Return e.g. 'Tuesday, March 10, 2026, 6:30 PM to 8:00 PM EDT'."""
    return (
        f"{format_day(start, locale)}, {format_clock(start, locale)} – {format_clock(end, locale, zone=True)}"
    )


def iso_local(moment: datetime.datetime) -> str:
    """Return the ISO 8601 local time with its offset, for <time datetime>."""
    return to_local(moment).isoformat(timespec="minutes")
