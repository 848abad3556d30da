"""What organizers do: save, publish and cancel events, take attendance, manage the waitlist.

Every change is written to the workspace audit log inside its own transaction, so the log and
the change commit or fail together. Mail goes out after the commit.
"""

import csv
import io
import re
import unicodedata

from flask_babel import gettext as _

from ..accounts import audit
from ..db import writing
from . import booking, notices, richtext
from .localtime import utcnow
from .models import CANCELLED, CONFIRMED, DRAFT, PUBLISHED, WAITLISTED, WITHDRAWN, Event, Registration


def _record(action: str, target: str, reason: str = "") -> None:
    audit.record(action, target=target, reason=reason)


def slugify(title: str) -> str:
    """Return a short ASCII slug for a title ('Café & LEAD' -> 'cafe-lead')."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "event"


def fields_from_form(form) -> dict:
    """Return the model fields an EventForm describes, with Markdown rendered and cleaned."""
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "slug": slugify(form.title.data),
        "summary": form.summary.data,
        "description_md": form.description.data,
        "description_html": richtext.to_html(form.description.data),
        "starts_at": form.starts_at,
        "ends_at": form.ends_at,
        "location": form.location.data,
        "online_url": form.online_url.data,
        "accessibility": form.accessibility.data,
        "capacity": form.capacity.data,
        "materials_md": form.materials.data,
        "materials_html": richtext.to_html(form.materials.data),
        "materials_published": form.materials_published.data,
        "agenda_md": form.agenda.data,
        "agenda_html": richtext.to_html(form.agenda.data),
        "minutes_md": form.minutes.data,
        "minutes_html": richtext.to_html(form.minutes.data),
        "minutes_published": form.minutes_published.data,
        "packet_url": form.packet_url.data,
    }


def form_data(event: Event) -> dict:
    """Return an event as EventForm data, for editing."""
    from .localtime import to_local

    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return {
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "description": event.description_md,
        "day": start.date(),
        "start": start.time().replace(tzinfo=None),
        "end": end.time().replace(tzinfo=None),
        "location": event.location,
        "online_url": event.online_url,
        "accessibility": event.accessibility,
        "capacity": event.capacity,
        "materials": event.materials_md,
        "materials_published": event.materials_published,
        "agenda": event.agenda_md,
        "minutes": event.minutes_md,
        "minutes_published": event.minutes_published,
        "packet_url": event.packet_url,
    }


def create_event(fields: dict) -> Event:
    """Create a draft event."""
    now = utcnow()
    with writing():
        event = Event.create(status=DRAFT, created_at=now, updated_at=now, **fields)
        _record("events.create", f"event:{event.id}")
    return event


def update_event(event_id: int, fields: dict) -> Event:
    """Save changes; new seats go to the waitlist at once. Raise BookingError if seats are too few."""
    now = utcnow()
    with writing():
        event = Event.locked(event_id)
        taken = Registration.seats_taken(event_id)
        capacity = fields.get("capacity")
        if taken and (capacity is None or capacity < taken):
            raise booking.BookingError(
                _(
                    "%(num)d seats are already booked, so the event needs at least %(num)d seats. "
                    "Cancel registrations first if you need fewer.",
                    num=taken,
                )
            )
        for name, value in fields.items():
            setattr(event, name, value)
        event.updated_at = now
        event.sequence += 1
        event.save()
        promoted = booking.fill_freed_seats(event_id, now)
        _record("events.edit", f"event:{event_id}")
    notices.promoted(promoted, event)
    return event


def publish(event_id: int) -> Event:
    """Make a draft visible to the public."""
    with writing():
        event = Event.locked(event_id)
        if event.status == DRAFT:
            event.status = PUBLISHED
            event.updated_at = utcnow()
            event.sequence += 1
            event.save()
            _record("events.publish", f"event:{event_id}")
    return event


def cancel_event(event_id: int, reason: str) -> int:
    """Cancel an event and email everyone registered or waitlisted; return how many were emailed."""
    with writing():
        event = Event.locked(event_id)
        if event.is_cancelled:
            return 0
        event.status = CANCELLED
        event.cancel_reason = reason
        event.updated_at = utcnow()
        event.sequence += 1
        event.save()
        _record("events.cancel", f"event:{event_id}", reason=reason)
        people = list(
            Registration.select().where(
                Registration.event == event_id,
                Registration.status.in_([CONFIRMED, WAITLISTED]),
                Registration.purged_at.is_null(),
            )
        )
    return sum(1 for registration in people if notices.event_cancelled(registration, event))


def set_attendance(event_id: int, present_ids: set[int]) -> int:
    """Mark each confirmed registration present or absent; return how many were marked present."""
    with writing():
        confirmed = Registration.select().where(
            Registration.event == event_id, Registration.status == CONFIRMED
        )
        present = 0
        for registration in confirmed:
            registration.attended = registration.id in present_ids
            present += registration.attended
            registration.save()
        _record("events.attendance", f"event:{event_id}")
    return present


def remove_from_waitlist(event_id: int, registration_id: int) -> bool:
    """Take one registration off the waitlist and tell them; return False if it was not waitlisted."""
    with writing():
        registration = Registration.get_or_none(
            Registration.id == registration_id,
            Registration.event == event_id,
            Registration.status == WAITLISTED,
        )
        if registration is None:
            return False
        registration.status = WITHDRAWN
        registration.updated_at = utcnow()
        registration.save()
        _record("events.waitlist_remove", f"registration:{registration_id}")
        event = Event.get_by_id(event_id)
    notices.removed_from_waitlist(registration, event)
    return True


def _cell(value) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def roster_csv(event_id: int) -> str:
    """Return the roster as CSV text and log that it was exported."""
    with writing():
        _record("events.export", f"event:{event_id}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "status",
            "waitlist order",
            "business",
            "contact",
            "email",
            "phone",
            "people",
            "access needs",
            "attended",
            "registered (UTC)",
        ]
    )
    waiting = 0
    for r in Registration.roster(event_id):
        waiting += r.status == WAITLISTED
        attended = "" if r.attended is None else ("yes" if r.attended else "no")
        row = [
            r.status,
            waiting if r.status == WAITLISTED else "",
            r.business_name,
            r.contact_name,
            r.email,
            r.phone,
            r.attendees,
            r.accessibility_needs,
            attended,
            r.created_at.isoformat(timespec="minutes"),
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
