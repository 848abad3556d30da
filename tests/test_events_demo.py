"""The demo content: what the brief asks for, generic places only, and every page renders."""

import pytest

from portal.events import seed_demo
from portal.events.localtime import utcnow
from portal.events.models import Evaluation, Event, Registration
from tests.test_events_support import events_app


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


GENERIC_PLACES = {"Online", "Albany — venue sent to registrants", "Albany — place to be announced"}


def test_demo_has_what_the_brief_asks_for_and_is_added_once(app, client):
    with app.app_context():
        assert seed_demo() is True
        assert seed_demo() is False
        now = utcnow()
        upcoming = list(Event.upcoming(now))
        past = list(Event.past(now))
        sessions = [e for e in upcoming if e.kind == "session"]
        free = {e.id: e.capacity - Registration.seats_taken(e.id) for e in sessions}
        assert len(sessions) == 3 and min(free.values()) <= 2
        assert len([e for e in upcoming if e.kind == "meeting" and e.agenda_html]) == 2
        held = [e for e in past if e.kind == "session"]
        assert len(held) == 2 and all(e.materials_published and e.materials_html for e in held)
        assert all(Evaluation.select().where(Evaluation.event == e.id).count() > 0 for e in held)
        assert len([e for e in past if e.kind == "meeting" and e.minutes_published]) == 1
        assert {e.location for e in Event.select()} <= GENERIC_PLACES
        assert all(r.email.endswith("@example.invalid") for r in Registration.select())
        paths = [e.path for e in Event.select()]
    for path in ["/events", "/events/calendar.ics", *paths]:
        assert client.get(path).status_code == 200, path
