"""Delete registrants' contact details 90 days after their event, keeping only seat counts."""

import datetime

from flask import current_app

from ..db import writing
from .localtime import ZONE
from .models import AccessLink, Event, Registration

DEFAULT_DAYS = 90


def purge_expired_registrations(today: datetime.date, days: int | None = None) -> int:
    """Blank the contact details of registrations whose event ended `days` or more days before today.

    The row stays with its seat count, status and attendance so past rosters still add up; every
    private link is deleted, so no old email can reach the record again. Returns how many
    registrations were purged.
    """
    days = days if days is not None else current_app.config.get("EMAIL_RETENTION_DAYS", DEFAULT_DAYS)
    # On day N after the event (Albany dates) its registrants' details go: an event that ended on
    # January 1 is purged by a run on April 1 with 90 days.
    last_day = today - datetime.timedelta(days=days)
    cutoff_local = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=ZONE
    )
    cutoff = cutoff_local.astimezone(datetime.UTC).replace(tzinfo=None)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with writing():
        expired_events = Event.select(Event.id).where(Event.ends_at < cutoff)
        unpurged = (Registration.event.in_(expired_events)) & Registration.purged_at.is_null()
        AccessLink.delete().where(
            AccessLink.registration.in_(Registration.select(Registration.id).where(unpurged))
        ).execute()
        return (
            Registration.update(
                business_name="", contact_name="", email="", phone="", accessibility_needs="", purged_at=now
            )
            .where(unpurged)
            .execute()
        )
