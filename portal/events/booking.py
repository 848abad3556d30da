"""Seats: register, change, cancel and the waitlist, without ever overbooking.

Every change runs in one write transaction that first locks the event (BEGIN IMMEDIATE on
SQLite, SELECT ... FOR UPDATE on PostgreSQL), so the seat count it reads cannot change before
it commits. Mail goes out only after the commit.

Waitlist order is "first that fits": freed seats go to the earliest waitlisted registration
whose whole party fits; a large party that does not fit keeps its place at the front and is
offered seats as soon as enough are free. Strict order would leave chairs empty on the day
while a party of five waits for five seats, and the goal of the campaign is to reach as many
businesses as possible. The large party is told how many seats are free, so it can choose to
come with fewer people.
"""

import datetime
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from ..db import writing
from . import links, notices
from .localtime import utcnow
from .models import CONFIRMED, DRAFT, WAITLISTED, WITHDRAWN, Event, Registration


class BookingError(Exception):
    """A registration or change that cannot be made; the message is written for the visitor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Details:
    """What a business tells us when it registers."""

    business_name: str
    contact_name: str
    email: str
    phone: str
    attendees: int
    accessibility_needs: str


@dataclass
class Booking:
    """The result of a registration; token is None when the same form was sent twice."""

    registration: Registration
    token: str | None


Promoted = list[tuple[Registration, str]]


def closed_reason(event: Event | None, now: datetime.datetime) -> str | None:
    """Return why an event cannot take registrations, or None when it can."""
    if event is None or event.status == DRAFT:
        return _("We could not find that event.")
    if event.is_cancelled:
        return _("This event was cancelled, so it is not taking registrations.")
    if not event.takes_registration:
        return _("You do not need to register for this event. Everyone is welcome to come.")
    if event.has_started(now):
        return _("This session has already started or taken place, so registration is closed.")
    return None


def _too_many_for_event(event: Event, attendees: int) -> str | None:
    if attendees > event.capacity:
        return ngettext(
            "This session has %(num)d seat in all. Please register fewer people.",
            "This session has %(num)d seats in all. Please register fewer people.",
            event.capacity,
        )
    return None


def register(
    event_id: int, details: Details, submission_key: str, now: datetime.datetime | None = None
) -> Booking:
    """Book seats if they are free, otherwise join the waitlist; raise BookingError if closed."""
    now = now or utcnow()
    with writing():
        event = Event.locked(event_id)
        reason = closed_reason(event, now) or _too_many_for_event(event, details.attendees)
        if reason:
            raise BookingError(reason)
        earlier = Registration.get_or_none(event=event, submission_key=submission_key)
        if earlier is not None:
            return Booking(earlier, None)
        free = event.capacity - Registration.seats_taken(event.id)
        status = CONFIRMED if details.attendees <= free else WAITLISTED
        registration = Registration.create(
            event=event,
            submission_key=submission_key,
            status=status,
            queued_at=now if status == WAITLISTED else None,
            created_at=now,
            updated_at=now,
            **vars(details),
        )
        token = links.issue(registration, links.MANAGE)
    notices.registered(registration, event, token)
    return Booking(registration, token)


def change(
    registration_id: int,
    attendees: int,
    phone: str,
    accessibility_needs: str,
    now: datetime.datetime | None = None,
) -> Registration:
    """Change the party size and notes; free seats go to the waitlist. Raise BookingError if not possible."""
    now = now or utcnow()
    with writing():
        registration = Registration.get_by_id(registration_id)
        event = Event.locked(registration.event_id)
        _refuse_if_locked(event, registration, now)
        reason = _too_many_for_event(event, attendees)
        if reason:
            raise BookingError(reason)
        if registration.status == CONFIRMED and attendees > registration.attendees:
            free = event.capacity - Registration.seats_taken(event.id)
            if attendees - registration.attendees > free:
                raise BookingError(
                    ngettext(
                        "Only %(num)d more seat is free, so we could not add that many people. "
                        "Your registration has not changed.",
                        "Only %(num)d more seats are free, so we could not add that many people. "
                        "Your registration has not changed.",
                        free,
                    )
                )
        registration.attendees = attendees
        registration.phone = phone
        registration.accessibility_needs = accessibility_needs
        registration.updated_at = now
        registration.save()
        promoted = _promote(event, now)
    notices.promoted(promoted, event)
    return Registration.get_by_id(registration_id)


def cancel(registration_id: int, now: datetime.datetime | None = None) -> bool:
    """Cancel a registration and offer its seats to the waitlist; return False if already cancelled."""
    now = now or utcnow()
    with writing():
        registration = Registration.get_by_id(registration_id)
        event = Event.locked(registration.event_id)
        if registration.status == WITHDRAWN:
            return False
        _refuse_if_locked(event, registration, now)
        registration.status = WITHDRAWN
        registration.updated_at = now
        registration.save()
        promoted = _promote(event, now)
    notices.cancelled_by_registrant(registration, event)
    notices.promoted(promoted, event)
    return True


def _refuse_if_locked(event: Event, registration: Registration, now: datetime.datetime) -> None:
    if event.is_cancelled:
        raise BookingError(_("This event was cancelled, so there is nothing to change."))
    if event.has_started(now):
        raise BookingError(
            _("This session has already started or taken place, so it can no longer be changed.")
        )
    if registration.status == WITHDRAWN:
        raise BookingError(
            _("This registration was cancelled. You can register again from the session page.")
        )


def _promote(event: Event, now: datetime.datetime) -> Promoted:
    """Confirm waitlisted registrations in queue order while each whole party fits (first that fits)."""
    if event.capacity is None or event.is_cancelled or event.has_started(now):
        return []
    free = event.capacity - Registration.seats_taken(event.id)
    promoted: Promoted = []
    for registration in Registration.waitlist(event.id):
        if free <= 0:
            break
        if registration.attendees <= free:
            registration.status = CONFIRMED
            registration.updated_at = now
            registration.save()
            free -= registration.attendees
            promoted.append((registration, links.issue(registration, links.MANAGE)))
    return promoted


def fill_freed_seats(event_id: int, now: datetime.datetime | None = None) -> Promoted:
    """Offer any free seats to the waitlist (call inside the organizer's write transaction)."""
    return _promote(Event.locked(event_id), now or utcnow())


def free_seats(event: Event) -> int | None:
    """Return the seats still free, or None for events without registration."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - Registration.seats_taken(event.id))


def waitlist_position(registration: Registration) -> int | None:
    """Return a waitlisted registration's place in the queue (1 = next), or None."""
    if registration.status != WAITLISTED:
        return None
    ahead = Registration.waitlist(registration.event_id).where(
        (Registration.queued_at < registration.queued_at)
        | ((Registration.queued_at == registration.queued_at) & (Registration.id < registration.id))
    )
    return ahead.count() + 1
