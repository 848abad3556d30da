"""The cron jobs: reminders the day before, and evaluation links after a session.

Both are safe to run as often as you like and at the same time as each other: a registration is
claimed (its sent-at time set) in a write transaction before its email goes out, so a second run
finds nothing to send. If an email fails, the claim is released so the next run tries again.
"""

import datetime

from ..db import writing
from . import evaluations, links, notices
from .localtime import local_today, to_local
from .models import CONFIRMED, PUBLISHED, Event, Registration


def _due_for_reminder(now: datetime.datetime) -> list[Event]:
    """Return published events with registration that start after now and on or before tomorrow (Albany)."""
    tomorrow = local_today(now) + datetime.timedelta(days=1)
    soon = Event.select().where(
        Event.status == PUBLISHED,
        Event.capacity.is_null(False),
        Event.starts_at > now,
        Event.starts_at < now + datetime.timedelta(hours=50),
    )
    return [e for e in soon if to_local(e.starts_at).date() <= tomorrow]


def _claim(events: list[Event], stamp_field, now: datetime.datetime, purpose: str, extra=None):
    """Mark every unsent confirmed registration of these events as sent; return them with new links."""
    claimed = []
    with writing():
        for event in events:
            query = Registration.select().where(
                Registration.event == event.id,
                Registration.status == CONFIRMED,
                stamp_field.is_null(),
                Registration.purged_at.is_null(),
            )
            if extra is not None:
                query = query.where(extra)
            for registration in query:
                won = (
                    Registration.update({stamp_field: now})
                    .where(Registration.id == registration.id, stamp_field.is_null())
                    .execute()
                )
                if won:
                    claimed.append((registration, event, links.issue(registration, purpose)))
    return claimed


def _release(registration: Registration, stamp_field) -> None:
    with writing():
        Registration.update({stamp_field: None}).where(Registration.id == registration.id).execute()


def send_reminders(now: datetime.datetime) -> int:
    """Email each confirmed registrant of tomorrow's (or today's) events once; return how many were sent."""
    sent = 0
    for registration, event, token in _claim(
        _due_for_reminder(now), Registration.reminded_at, now, links.MANAGE
    ):
        if notices.reminder(registration, event, token):
            sent += 1
        else:
            _release(registration, Registration.reminded_at)
    return sent


def send_evaluation_invites(now: datetime.datetime) -> int:
    """Email each confirmed registrant of a recently ended session its evaluation link once."""
    ended = list(
        Event.select().where(
            Event.status == PUBLISHED,
            Event.capacity.is_null(False),
            Event.ends_at <= now,
            Event.ends_at > now - evaluations.INVITE_WINDOW,
        )
    )
    # People marked absent are not asked how the session went.
    not_absent = Registration.attended.is_null() | (Registration.attended == True)  # noqa: E712 (SQL)
    claimed = _claim(ended, Registration.evaluation_sent_at, now, links.EVALUATE, not_absent)
    sent = 0
    for registration, event, token in claimed:
        if notices.evaluation_invite(registration, event, token):
            sent += 1
        else:
            _release(registration, Registration.evaluation_sent_at)
    return sent
