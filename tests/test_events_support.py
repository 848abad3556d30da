"""Factories and fixtures shared by the events tests (imported by tests/test_events_*.py)."""

import datetime
import re
import secrets

import pytest

from portal.db import writing
from portal.events.localtime import utcnow
from portal.events.models import AccessLink, Event, Registration
from tests.conftest import make_app

KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')


def events_app(tmp_path, database_url, **overrides):
    """An app for events tests: mail into tmp_path/outbox, no rate limits unless asked."""
    settings = {
        "MAIL_OUTBOX": tmp_path / "outbox",
        "RATELIMIT_ENABLED": False,
        "SITE_URL": "https://lead.example.org",
    }
    settings.update(overrides)
    return make_app(database_url, **settings)


@pytest.fixture
def app(tmp_path, database_url):
    """Each events test module defines this same fixture; conftest's `client` then uses it."""
    return events_app(tmp_path, database_url)


def make_event(**overrides) -> Event:
    """Create a published session a week from now (call inside an app context)."""
    # 10:00 in Albany a week from now: a start tied to the clock could end after midnight and be
    # refused by the organizer form, which makes tests fail only in the late evening.
    from zoneinfo import ZoneInfo

    day = (utcnow() + datetime.timedelta(days=7)).date()
    local = datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("America/New_York"))
    start = local.astimezone(datetime.UTC).replace(tzinfo=None)
    fields = {
        "kind": "session",
        "title": "Test session",
        "slug": "test-session",
        "summary": "A session for tests.",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
        "location": "Online",
        "capacity": 20,
        "status": "published",
    }
    fields.update(overrides)
    with writing():
        return Event.create(**fields)


def form_data(n: int = 0, **overrides) -> dict:
    """Return a valid registration form for business number n."""
    data = {
        "business_name": f"Business {n}",
        "contact_name": f"Contact {n}",
        "email": f"contact{n}@example.org",
        "phone": "",
        "attendees": "1",
        "accessibility_needs": "",
        "submission_key": secrets.token_urlsafe(16),
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def register(client, event_id: int, n: int = 0, **overrides):
    """Post a registration form; return the response."""
    return client.post(f"/events/{event_id}/register", data=form_data(n, **overrides))


def manage_token(response) -> str:
    """Return the private token from a registration's redirect."""
    location = response.headers["Location"]
    assert "/events/manage/" in location, location
    return location.rsplit("/", 1)[1]


def seats(app, event_id: int) -> tuple[int, int]:
    """Return (confirmed seats, waitlisted registrations) for an event."""
    with app.app_context():
        confirmed = Registration.seats_taken(event_id)
        waiting = Registration.waitlist(event_id).count()
    return confirmed, waiting


def status_of(app, registration_id: int) -> str:
    with app.app_context():
        return Registration.get_by_id(registration_id).status


def test_factories_make_a_bookable_event(app, client):
    with app.app_context():
        event = make_event(capacity=3)
    response = register(client, event.id, attendees=2)
    assert response.status_code == 302
    token = manage_token(response)
    with app.app_context():
        # Only the token's hash is stored.
        assert AccessLink.select().where(AccessLink.token_hash == token).count() == 0
        assert AccessLink.select().count() == 1
    assert seats(app, event.id) == (2, 0)
