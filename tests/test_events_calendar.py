"""The .ics files parse back with icalendar and carry the right times, links and status."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from portal.events.localtime import to_utc
from tests.test_events_support import events_app, make_event


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


NY = ZoneInfo("America/New_York")


def _events(body: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def _dst_pair(app):
    with app.app_context():
        winter = make_event(
            title="Winter",
            slug="winter",
            starts_at=to_utc(datetime.date(2027, 3, 13), datetime.time(18))[0],
            ends_at=to_utc(datetime.date(2027, 3, 13), datetime.time(19, 30))[0],
        )
        summer = make_event(
            title="Summer",
            slug="summer",
            starts_at=to_utc(datetime.date(2027, 3, 14), datetime.time(18))[0],
            ends_at=to_utc(datetime.date(2027, 3, 14), datetime.time(19, 30))[0],
            accessibility="Step-free entrance.",
        )
    return winter, summer


def test_event_file_parses_back_with_the_right_times_and_link(app, client):
    _winter, summer = _dst_pair(app)
    response = client.get(f"/events/{summer.id}.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == 'attachment; filename="summer.ics"'
    (entry,) = _events(response.data)
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert start == datetime.datetime(2027, 3, 14, 18, 0, tzinfo=NY)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2027, 3, 14, 22, 0, tzinfo=datetime.UTC)
    assert end.astimezone(datetime.UTC) == datetime.datetime(2027, 3, 14, 23, 30, tzinfo=datetime.UTC)
    assert str(entry["url"]) == f"https://lead.example.org/events/{summer.id}-summer"
    assert f"https://lead.example.org/events/{summer.id}-summer" in str(entry["description"])
    assert "Step-free entrance." in str(entry["description"])
    assert str(entry["summary"]) == "Summer" and str(entry["location"]) == "Online"
    assert str(entry["uid"]) == f"event-{summer.id}@lead.example.org"
    assert str(entry["status"]) == "CONFIRMED"


def test_the_file_carries_a_vtimezone_so_apps_keep_albany_time(app, client):
    _winter, summer = _dst_pair(app)
    calendar = icalendar.Calendar.from_ical(client.get(f"/events/{summer.id}.ics").data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "America/New_York"
    # Trimmed to the event's year rather than 1970-2038.
    assert len(client.get(f"/events/{summer.id}.ics").data) < 4000


def test_feed_lists_every_public_event_with_times_across_dst(app, client):
    winter, summer = _dst_pair(app)
    with app.app_context():
        make_event(title="Draft", slug="draft", status="draft")
        cancelled = make_event(title="Called off", slug="called-off", status="cancelled")
    response = client.get("/events/calendar.ics")
    assert response.mimetype == "text/calendar" and response.headers["Content-Disposition"].startswith(
        "inline"
    )
    entries = {str(e["summary"]): e for e in _events(response.data)}
    assert set(entries) == {"Winter", "Summer", "Called off"}
    utc = {
        name: e.decoded("dtstart").astimezone(datetime.UTC).hour
        for name, e in entries.items()
        if name != "Called off"
    }
    # Same 6 PM local time, one hour apart in UTC because of the DST change between them.
    assert utc == {"Winter": 23, "Summer": 22}
    assert str(entries["Called off"]["status"]) == "CANCELLED"
    for name, event in (("Winter", winter), ("Summer", summer), ("Called off", cancelled)):
        assert str(entries[name]["url"]).endswith(event.path)


def test_feed_is_valid_when_empty(client):
    calendar = icalendar.Calendar.from_ical(client.get("/events/calendar.ics").data)
    assert list(calendar.walk("VEVENT")) == []
    assert str(calendar["version"]) == "2.0"


def test_an_edit_raises_the_sequence_so_calendars_update(app, client):
    from tests.accounts_helpers import make_member, sign_in
    from tests.test_events_workspace import EVENT_FORM

    sign_in(client, make_member(email="o@example.org", roles=("organizer",)))
    client.post("/workspace/events/new", data=EVENT_FORM)
    client.post("/workspace/events/1/publish")
    first = _events(client.get("/events/1.ics").data)[0]
    client.post("/workspace/events/1/edit", data=dict(EVENT_FORM, start="17:00"))
    second = _events(client.get("/events/1.ics").data)[0]
    assert int(second["sequence"]) > int(first["sequence"])
    assert second.decoded("dtstart").hour == 17
