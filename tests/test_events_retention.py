"""Registrants' contact details are deleted 90 days after their event; counts and answers stay."""

import datetime

import pytest

from portal.events.localtime import to_utc
from portal.events.models import AccessLink, Registration
from portal.events.retention import purge_expired_registrations
from tests.test_events_support import events_app, make_event, manage_token, register


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


def _event_on(app, day: datetime.date, slug: str):
    with app.app_context():
        start, _ = to_utc(day, datetime.time(18))
        # Registration needs a future event; the dates move back afterwards.
        return make_event(slug=slug)


def _move(app, event, day: datetime.date):
    from portal.events.models import Event

    start, _ = to_utc(day, datetime.time(18))
    with app.app_context():
        Event.update(starts_at=start, ends_at=start + datetime.timedelta(hours=1)).where(
            Event.id == event.id
        ).execute()


def test_purge_blanks_contact_details_on_day_90_and_keeps_the_counts(app, client):
    old = _event_on(app, datetime.date(2027, 1, 1), "old")
    recent = _event_on(app, datetime.date(2027, 1, 2), "recent")
    token = manage_token(
        register(client, old.id, 1, attendees=3, phone="518 555 0100", accessibility_needs="Ramp")
    )
    register(client, recent.id, 2)
    _move(app, old, datetime.date(2027, 1, 1))
    _move(app, recent, datetime.date(2027, 1, 2))
    with app.app_context():
        assert purge_expired_registrations(datetime.date(2027, 3, 31)) == 0  # day 89
        assert purge_expired_registrations(datetime.date(2027, 4, 1)) == 1  # day 90 for the old event
        assert purge_expired_registrations(datetime.date(2027, 4, 1)) == 0  # already done
        purged = Registration.get(Registration.event == old.id)
        kept = Registration.get(Registration.event == recent.id)
        assert AccessLink.select().where(AccessLink.registration == purged).count() == 0
    assert (
        purged.business_name,
        purged.contact_name,
        purged.email,
        purged.phone,
        purged.accessibility_needs,
    ) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert purged.attendees == 3 and purged.status == "confirmed" and purged.purged_at is not None
    assert kept.email == "contact2@example.org"
    assert client.get(f"/events/manage/{token}").status_code == 404


def test_purge_command(app, client):
    event = _event_on(app, datetime.date(2027, 1, 1), "old")
    register(client, event.id, 1)
    _move(app, event, datetime.date(2027, 1, 1))
    result = app.test_cli_runner().invoke(args=["events", "purge", "--today", "2027-06-01"])
    assert "Registrations purged: 1." in result.output
    with app.app_context():
        assert Registration.get().email == ""
