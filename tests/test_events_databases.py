"""The whole life of a session, once on SQLite and once on PostgreSQL (`database_url` in conftest)."""

import datetime
import email
import email.policy
import re

import icalendar

from portal.events.models import Evaluation, Event, Registration
from portal.events.retention import purge_expired_registrations
from tests.accounts_helpers import make_member, sign_in
from tests.test_events_support import events_app, form_data, manage_token
from tests.test_events_workspace import EVENT_FORM

LINK = re.compile(r"https://lead\.example\.org/events/evaluate/(\S+)")


def _evaluation_tokens(app) -> list[str]:
    tokens = []
    for path in app.config["MAIL_OUTBOX"].glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        tokens += LINK.findall(message.get_content())
    return tokens


def test_a_session_from_creation_to_purge(tmp_path, database_url):
    app = events_app(tmp_path, database_url)
    organizer = app.test_client()
    sign_in(organizer, make_member(email="org@example.org", roles=("organizer",)))
    assert organizer.post("/workspace/events/new", data=dict(EVENT_FORM, capacity="2")).status_code == 302
    with app.app_context():
        event = Event.get()
    organizer.post(f"/workspace/events/{event.id}/publish")

    visitor = app.test_client()
    first = manage_token(visitor.post(f"/events/{event.id}/register", data=form_data(1, attendees=2)))
    visitor.post(f"/events/{event.id}/register", data=form_data(2, attendees=1))
    visitor.post(f"/events/{event.id}/register", data=form_data(3, attendees=2))
    visitor.post(f"/events/manage/{first}", data={"attendees": "1"})  # frees a seat for Business 2
    with app.app_context():
        statuses = {r.business_name: r.status for r in Registration.select()}
    assert statuses == {"Business 1": "confirmed", "Business 2": "confirmed", "Business 3": "waitlisted"}

    for path in ("/events", event.path, "/events/calendar.ics", f"/events/{event.id}.ics"):
        assert visitor.get(path).status_code == 200, path
    (entry,) = icalendar.Calendar.from_ical(visitor.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert entry.decoded("dtstart").astimezone(datetime.UTC).hour == 22  # 18:00 EDT on 10 June
    roster = organizer.get(f"/workspace/events/{event.id}/roster.csv").get_data(as_text=True)
    assert "Business 3" in roster
    with app.app_context():
        present = [r.id for r in Registration.select().where(Registration.status == "confirmed")]
    organizer.post(f"/workspace/events/{event.id}/attendance", data={"present": [str(i) for i in present]})

    # The session "ends" two hours ago, so the cron command sends the evaluation links.
    with app.app_context():
        recent = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(hours=2)
        Event.update(starts_at=recent, ends_at=recent + datetime.timedelta(hours=1)).execute()
    assert "Evaluation links sent: 2." in app.test_cli_runner().invoke(args=["events", "remind"]).output
    for token in _evaluation_tokens(app):
        answers = {"before": "2", "after": "4", "usefulness": "4", "recommend": "yes", "comment": "Good"}
        assert visitor.post(f"/events/evaluate/{token}", data=answers).status_code == 302
    for path in (f"/workspace/events/{event.id}/results", "/workspace/events/results", "/workspace/events/"):
        assert organizer.get(path).status_code == 200, path

    with app.app_context():
        assert Evaluation.select().count() == 2
        later = recent.date() + datetime.timedelta(days=120)
        assert purge_expired_registrations(later) == 3
        assert {r.email for r in Registration.select()} == {""}
        assert Evaluation.select().count() == 2
