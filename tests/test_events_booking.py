"""Registration, capacity, the waitlist and its promotion, changes and cancellations, bad input."""

import datetime
import email
import email.policy

import pytest

from portal.events.localtime import utcnow
from portal.events.models import Registration
from tests.test_events_support import events_app, make_event, manage_token, register, seats


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


def _outbox(app) -> list[str]:
    """Return every message written to the outbox, oldest first, as headers plus decoded body."""
    folder = app.config["MAIL_OUTBOX"]
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
    return [f"Subject: {m['Subject']}\nTo: {m['To']}\n\n{m.get_content()}" for m in messages]


def test_seats_fill_then_the_waitlist_starts(app, client):
    with app.app_context():
        event = make_event(capacity=5)
    for n, people in enumerate((2, 2, 1)):
        assert register(client, event.id, n, attendees=people).status_code == 302
    assert seats(app, event.id) == (5, 0)
    response = register(client, event.id, 9, attendees=1)
    assert response.status_code == 302
    assert seats(app, event.id) == (5, 1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are on the waitlist" in page and "number 1" in page


def test_confirmation_page_and_email_carry_the_private_link(app, client):
    with app.app_context():
        event = make_event(capacity=5)
    response = register(client, event.id, 1, attendees=2)
    token = manage_token(response)
    private = client.get(response.headers["Location"])
    assert private.headers["Cache-Control"] == "no-store"
    page = private.get_data(as_text=True)
    assert "You are registered" in page and "2 seats" in page
    (text,) = _outbox(app)
    assert f"https://lead.example.org/events/manage/{token}" in text
    assert f"/events/{event.id}.ics" in text
    # The next visit is the plain private page, without the one-time confirmation.
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are registered" not in again and "Your registration" in again


def test_the_event_page_shows_seats_left(app, client):
    with app.app_context():
        event = make_event(capacity=3)
    register(client, event.id, attendees=2)
    page = client.get(event.path).get_data(as_text=True)
    assert "1 seat left" in page
    register(client, event.id, 1, attendees=1)
    page = client.get(event.path).get_data(as_text=True)
    assert "Full: you can join the waitlist" in page and "Join the waitlist" in page


def test_cancelling_promotes_the_waitlist_in_order_and_emails_them(app, client):
    with app.app_context():
        event = make_event(capacity=2)
    first = manage_token(register(client, event.id, 1, attendees=2))
    register(client, event.id, 2, attendees=1)
    register(client, event.id, 3, attendees=1)
    register(client, event.id, 4, attendees=1)
    assert seats(app, event.id) == (2, 3)
    before = len(_outbox(app))
    response = client.post(f"/events/manage/{first}/cancel")
    assert response.status_code == 302
    with app.app_context():
        statuses = {r.business_name: r.status for r in Registration.select()}
    assert statuses == {
        "Business 1": "cancelled",
        "Business 2": "confirmed",
        "Business 3": "confirmed",
        "Business 4": "waitlisted",
    }
    subjects = _outbox(app)[before:]
    assert sum("A seat opened up for you" in text for text in subjects) == 2
    assert sum("Registration cancelled" in text for text in subjects) == 1


def test_a_large_party_keeps_its_place_but_a_smaller_one_behind_it_can_fit(app, client):
    """First that fits: freed seats do not stay empty while a big party waits."""
    with app.app_context():
        event = make_event(capacity=4)
    holder = manage_token(register(client, event.id, 1, attendees=2))
    register(client, event.id, 2, attendees=2)
    register(client, event.id, 3, attendees=3)  # waitlist, first
    register(client, event.id, 4, attendees=2)  # waitlist, second
    client.post(f"/events/manage/{holder}/cancel")
    with app.app_context():
        statuses = {r.business_name: r.status for r in Registration.select()}
        big = Registration.get(Registration.business_name == "Business 3")
    assert statuses["Business 4"] == "confirmed"
    assert statuses["Business 3"] == "waitlisted"
    assert seats(app, event.id) == (4, 1)
    with app.test_request_context():
        from portal.events.booking import waitlist_position

        assert waitlist_position(big) == 1


def test_lowering_attendees_frees_seats_and_raising_beyond_free_is_refused(app, client):
    with app.app_context():
        event = make_event(capacity=4)
    token = manage_token(register(client, event.id, 1, attendees=4))
    waiting = register(client, event.id, 2, attendees=1)
    assert seats(app, event.id) == (4, 1)
    client.post(f"/events/manage/{token}", data={"attendees": "3"})
    assert seats(app, event.id) == (4, 0)
    response = client.post(f"/events/manage/{token}", data={"attendees": "4"}, follow_redirects=True)
    assert "Only 0 more seats are free" in response.get_data(as_text=True)
    assert seats(app, event.id) == (4, 0)
    assert waiting.status_code == 302


def test_waitlisted_party_that_lowers_its_number_to_fit_gets_in(app, client):
    with app.app_context():
        event = make_event(capacity=3)
    register(client, event.id, 1, attendees=2)
    token = manage_token(register(client, event.id, 2, attendees=3))
    page = client.get(f"/events/manage/{token}").get_data(as_text=True)
    assert "1 seat is free now" in page
    client.post(f"/events/manage/{token}", data={"attendees": "1"})
    assert seats(app, event.id) == (3, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "cancelled"}, "This event was cancelled"),
        (
            {
                "starts_at": utcnow() - datetime.timedelta(hours=2),
                "ends_at": utcnow() - datetime.timedelta(hours=1),
            },
            "already started or taken place",
        ),
        ({"capacity": None}, "You do not need to register"),
    ],
)
def test_closed_events_refuse_registration_with_a_clear_message(app, client, change, message):
    with app.app_context():
        event = make_event(**change)
    for response in (client.get(f"/events/{event.id}/register"), register(client, event.id)):
        assert response.status_code in (200, 409)
        assert message in response.get_data(as_text=True)
    assert seats(app, event.id) == (0, 0)


def test_drafts_are_hidden(app, client):
    with app.app_context():
        event = make_event(status="draft")
    assert client.get(event.path).status_code == 404
    assert register(client, event.id).status_code == 404
    assert client.get(f"/events/{event.id}.ics").status_code == 404
    assert event.title not in client.get("/events").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Please enter an email address like name@example.com"),
        ("email", "a@b", "Please enter an email address like name@example.com"),
        ("email", "x@example.org\r\nBcc: all@example.org", "Please enter an email address"),
        ("email", "", "Please enter your email address"),
        ("attendees", "0", "from 1 to 10"),
        ("attendees", "11", "from 1 to 10"),
        ("attendees", "-3", "from 1 to 10"),
        ("attendees", "99999999999999999999999", "from 1 to 10"),
        ("attendees", "two", "from 1 to 10"),
        ("attendees", "", "from 1 to 10"),
        ("business_name", "", "Please enter the name of your business"),
        ("business_name", "x" * 161, "under 160 characters"),
        ("contact_name", "   ", "Please enter your name"),
        ("phone", "call me maybe", "Please use only numbers"),
        ("accessibility_needs", "x" * 1001, "under 1,000 characters"),
        ("submission_key", "", "reload the page"),
    ],
)
def test_bad_input_gets_a_clear_message_never_a_500(app, client, field, value, message):
    with app.app_context():
        event = make_event()
    response = register(client, event.id, **{field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert seats(app, event.id) == (0, 0)


def test_party_bigger_than_the_whole_session_is_refused(app, client):
    with app.app_context():
        event = make_event(capacity=3)
    response = register(client, event.id, attendees=5)
    assert response.status_code == 409
    assert "This session has 3 seats in all" in response.get_data(as_text=True)
    assert seats(app, event.id) == (0, 0)


def test_hostile_text_is_stored_as_text_and_escaped(app, client):
    with app.app_context():
        event = make_event()
    response = register(
        client, event.id, business_name="<script>alert(1)</script>\x00Café", contact_name="Ana\nBcc: x"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Café" in page
    with app.app_context():
        registration = Registration.get()
    assert "\x00" not in registration.business_name and "\n" not in registration.contact_name


def test_the_same_form_sent_twice_books_once(app, client):
    with app.app_context():
        event = make_event()
    from tests.test_events_support import form_data

    data = form_data(1, attendees=2)
    first = client.post(f"/events/{event.id}/register", data=data)
    second = client.post(f"/events/{event.id}/register", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert "nothing was booked twice" in client.get(second.headers["Location"]).get_data(as_text=True)
    # Another browser (no session) sending the same form is told, not booked again.
    other = app.test_client().post(f"/events/{event.id}/register", data=data)
    assert "We already have this registration" in other.get_data(as_text=True)
    assert seats(app, event.id) == (2, 0)


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "a" * 500,
        "InR6ZUFMMUMxM0h0a1poc1ctUHZQQjJUZVRSLTVIRGRnIg.awotPg.v1mwS133FZuWIBFEEJRZcGixx_4",
    ],
)
def test_forged_links_get_a_clear_404(client, token):
    for response in (client.get(f"/events/manage/{token}"), client.post(f"/events/manage/{token}/cancel")):
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)


def test_a_link_for_a_past_session_can_no_longer_change_anything(app, client):
    with app.app_context():
        event = make_event(capacity=5)
    token = manage_token(register(client, event.id, attendees=2))
    with app.app_context():
        from portal.events.models import Event

        past = utcnow() - datetime.timedelta(days=1)
        Event.update(starts_at=past, ends_at=past + datetime.timedelta(hours=1)).execute()
    page = client.get(f"/events/manage/{token}").get_data(as_text=True)
    assert "can no longer be changed" in page and "Cancel my registration" not in page
    response = client.post(f"/events/manage/{token}/cancel", follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert seats(app, event.id) == (2, 0)


def test_cancelling_twice_is_harmless(app, client):
    with app.app_context():
        event = make_event()
    token = manage_token(register(client, event.id))
    client.post(f"/events/manage/{token}/cancel")
    response = client.post(f"/events/manage/{token}/cancel", follow_redirects=True)
    assert response.status_code == 200
    assert "This registration is cancelled" in response.get_data(as_text=True)


def test_registration_posts_are_rate_limited(tmp_path, database_url):
    from tests.test_events_support import events_app

    app = events_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    with app.app_context():
        event = make_event(capacity=100)
    client = app.test_client()
    codes = [register(client, event.id, n).status_code for n in range(31)]
    assert codes[:30] == [302] * 30 and codes[30] == 429


def test_old_urls_redirect_to_the_canonical_page(app, client):
    with app.app_context():
        event = make_event()
    assert client.get(f"/events/{event.id}").headers["Location"].endswith(event.path)
    assert client.get(f"/events/{event.id}-wrong-slug").status_code == 301
    assert client.get("/events/99999-nothing").status_code == 404
