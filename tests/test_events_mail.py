"""Reminder, cancellation, promotion and evaluation emails, through a real SMTP server on loopback."""

import datetime
import re

import pytest

from portal.events import reminders
from portal.events.localtime import utcnow
from portal.events.models import Registration
from tests.accounts_helpers import make_member, sign_in
from tests.test_events_support import events_app, make_event, manage_token, register

LINK = re.compile(r"https://lead\.example\.org/events/(manage|evaluate)/(\S+)")


@pytest.fixture
def app(tmp_path, database_url, smtp_server):
    return events_app(
        tmp_path, database_url, MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=smtp_server.port
    )


@pytest.fixture
def client(app):
    return app.test_client()


def _mail(smtp_server, subject_part: str) -> list:
    return [m for m in smtp_server.messages if subject_part in m["Subject"]]


def _in_hours(hours: float) -> dict:
    start = utcnow() + datetime.timedelta(hours=hours)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=1)}


def test_registration_confirmation_arrives_with_a_working_private_link(app, client, smtp_server):
    with app.app_context():
        event = make_event()
    response = register(client, event.id, 1, attendees=3)
    (message,) = _mail(smtp_server, "You are registered")
    assert message["To"] == "contact1@example.org"
    body = message.get_content()
    assert "for 3 people" in body and "90 days" in body
    kind, token = LINK.search(body).groups()
    assert kind == "manage" and token == manage_token(response)
    assert "Your registration" in app.test_client().get(f"/events/manage/{token}").get_data(as_text=True)


def test_reminders_go_out_once_the_day_before_and_the_command_is_safe_to_repeat(app, client, smtp_server):
    with app.app_context():
        soon = make_event(title="Soon", slug="soon", **_in_hours(20))
        later = make_event(title="Later", slug="later", **_in_hours(24 * 4))
    register(client, soon.id, 1)
    register(client, soon.id, 2)
    token = manage_token(register(client, soon.id, 3))
    client.post(f"/events/manage/{token}/cancel")
    register(client, later.id, 4)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["events", "remind"])
    second = runner.invoke(args=["events", "remind"])
    assert "Reminders sent: 2." in first.output and "Reminders sent: 0." in second.output
    sent = _mail(smtp_server, "Reminder:")
    assert sorted(m["To"] for m in sent) == ["contact1@example.org", "contact2@example.org"]
    assert all("Soon" in m["Subject"] for m in sent)
    # Each reminder carries its own working private link.
    kind, token = LINK.search(sent[0].get_content()).groups()
    assert kind == "manage" and client.get(f"/events/manage/{token}").status_code == 200


def test_a_failed_reminder_is_tried_again_next_time(app, client, smtp_server, monkeypatch):
    with app.app_context():
        soon = make_event(**_in_hours(20))
    register(client, soon.id, 1)
    from portal import mail

    monkeypatch.setattr(mail, "_send_smtp", lambda message: (_ for _ in ()).throw(OSError("down")))
    with app.test_request_context():
        assert reminders.send_reminders(utcnow()) == 0
        assert Registration.get().reminded_at is None
    monkeypatch.undo()
    with app.test_request_context():
        assert reminders.send_reminders(utcnow()) == 1


def test_organizer_cancellation_emails_everyone_registered_or_waiting(app, client, smtp_server):
    with app.app_context():
        event = make_event(title="Spring session", capacity=1)
    register(client, event.id, 1)
    register(client, event.id, 2)  # waitlisted
    gone = manage_token(register(client, event.id, 3))  # waitlisted, then cancels
    client.post(f"/events/manage/{gone}/cancel")
    smtp_server.messages.clear()
    organizer = app.test_client()
    sign_in(organizer, make_member(email="org@example.org", roles=("organizer",)))
    response = organizer.post(
        f"/workspace/events/{event.id}/cancel",
        data={"reason": "The room flooded.", "confirm": "y"},
        follow_redirects=True,
    )
    assert "We emailed 2 registrants" in response.get_data(as_text=True)
    sent = _mail(smtp_server, "Cancelled: Spring session")
    assert sorted(m["To"] for m in sent) == ["contact1@example.org", "contact2@example.org"]
    assert "The room flooded." in sent[0].get_content()
    assert len(smtp_server.messages) == 2


def test_a_freed_seat_is_offered_by_email_with_a_new_private_link(app, client, smtp_server):
    with app.app_context():
        event = make_event(capacity=1)
    holder = manage_token(register(client, event.id, 1))
    register(client, event.id, 2)
    assert _mail(smtp_server, "You are on the waitlist")
    client.post(f"/events/manage/{holder}/cancel")
    (offer,) = _mail(smtp_server, "A seat opened up for you")
    assert offer["To"] == "contact2@example.org"
    _kind, token = LINK.search(offer.get_content()).groups()
    page = app.test_client().get(f"/events/manage/{token}").get_data(as_text=True)
    assert "Registered: 1 seat" in page


def test_evaluation_links_go_out_once_after_the_session_and_skip_absentees(app, client, smtp_server):
    with app.app_context():
        event = make_event(title="Held", **_in_hours(48))
    register(client, event.id, 1)
    register(client, event.id, 2)
    register(client, event.id, 3)
    with app.app_context():
        absent = Registration.get(Registration.business_name == "Business 3")
        absent.attended = False
        absent.save()
        from portal.events.models import Event

        past = utcnow() - datetime.timedelta(hours=3)
        Event.update(starts_at=past, ends_at=past + datetime.timedelta(hours=1)).execute()
    runner = app.test_cli_runner()
    assert "Evaluation links sent: 2." in runner.invoke(args=["events", "remind"]).output
    assert "Evaluation links sent: 0." in runner.invoke(args=["events", "remind"]).output
    invites = _mail(smtp_server, "How did it go?")
    assert sorted(m["To"] for m in invites) == ["contact1@example.org", "contact2@example.org"]
    kind, token = LINK.search(invites[0].get_content()).groups()
    assert kind == "evaluate"
    assert "Five short questions" in client.get(f"/events/evaluate/{token}").get_data(as_text=True)
