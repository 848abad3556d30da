"""The organizers' side: closed to others, create/publish/edit/cancel, roster, attendance, waitlist, audit."""

import csv
import io

import pytest

from portal.accounts.audit import AuditEntry
from portal.events.models import Event, Registration
from tests.accounts_helpers import make_member, sign_in
from tests.test_events_support import events_app, make_event, manage_token, register, seats


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


EVENT_FORM = {
    "kind": "session",
    "title": "LEAD basics for café staff",
    "summary": "A short session.",
    "description": "## Topics\n\n- what LEAD is",
    "day": "2031-06-10",
    "start": "18:00",
    "end": "19:30",
    "location": "Online",
    "online_url": "",
    "accessibility": "Captions.",
    "capacity": "10",
    "materials": "",
    "agenda": "",
    "minutes": "",
    "packet_url": "",
}


@pytest.fixture
def organizer(app, client):
    member = make_member(email="org@example.org", roles=("organizer",))
    sign_in(client, member)
    return member


def _actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


def test_workspace_is_closed_to_visitors_and_to_members_without_the_role(app, client):
    with app.app_context():
        event = make_event()
    urls = [
        "/workspace/events/",
        f"/workspace/events/{event.id}",
        f"/workspace/events/{event.id}/roster.csv",
        "/workspace/events/results",
        f"/workspace/events/{event.id}/edit",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign-in
    assert client.post(f"/workspace/events/{event.id}/cancel", data={"confirm": "y"}).status_code == 401
    moderator = make_member(email="mod@example.org", roles=("moderator",))
    sign_in(client, moderator)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(f"/workspace/events/{event.id}/cancel", data={"confirm": "y"}).status_code == 403
    with app.app_context():
        assert Event.get_by_id(event.id).status == "published"


def test_create_is_a_draft_until_published_and_both_are_audited(app, client, organizer):
    response = client.post("/workspace/events/new", data=EVENT_FORM)
    assert response.status_code == 302
    with app.app_context():
        event = Event.get(Event.title == EVENT_FORM["title"])
    assert event.status == "draft" and event.slug == "lead-basics-for-cafe-staff"
    assert client.get(event.path).status_code == 404
    client.post(f"/workspace/events/{event.id}/publish")
    page = client.get(event.path).get_data(as_text=True)
    assert "LEAD basics for café staff" in page and "<h2>Topics</h2>" in page
    assert "6:00 PM" in page.replace("\u202f", " ") and "EDT" in page
    assert _actions(app) == ["events.create", "events.publish"]


def test_organizer_markdown_is_sanitised_on_save(app, client, organizer):
    form = dict(
        EVENT_FORM,
        description='<script>alert(1)</script>[x](javascript:alert(2)) <img src=x onerror="alert(3)">ok',
        materials="**Handout**",
        materials_published="y",
    )
    client.post("/workspace/events/new", data=form)
    with app.app_context():
        event = Event.get()
    assert "<script" not in event.description_html and "javascript:" not in event.description_html
    assert "onerror" not in event.description_html and "ok" in event.description_html
    client.post(f"/workspace/events/{event.id}/publish")
    page = client.get(event.path).get_data(as_text=True)
    assert "<strong>Handout</strong>" in page and "alert(" not in page


def test_materials_and_minutes_show_only_once_published(app, client, organizer):
    with app.app_context():
        session = make_event(
            materials_md="x", materials_html="<p>Secret handout</p>", materials_published=False
        )
        meeting = make_event(
            kind="meeting",
            capacity=None,
            slug="clt",
            agenda_html="<ol><li>Welcome</li></ol>",
            minutes_html="<p>Decided things</p>",
            minutes_published=False,
            packet_url="/workspace/nope",
        )
    assert "Secret handout" not in client.get(session.path).get_data(as_text=True)
    page = client.get(meeting.path).get_data(as_text=True)
    assert "Welcome" in page and "Decided things" not in page and "meeting packet" in page
    with app.app_context():
        Event.update(materials_published=True, minutes_published=True).execute()
    assert "Secret handout" in client.get(session.path).get_data(as_text=True)
    assert "Decided things" in client.get(meeting.path).get_data(as_text=True)


def test_more_seats_promote_the_waitlist_and_fewer_than_booked_is_refused(app, client, organizer):
    with app.app_context():
        event = make_event(capacity=2)
    visitor = app.test_client()
    register(visitor, event.id, 1, attendees=2)
    register(visitor, event.id, 2, attendees=1)
    from portal.events.organizing import form_data

    with app.app_context():
        data = {k: ("" if v is None else v) for k, v in form_data(Event.get_by_id(event.id)).items()}
    data.update(
        day=data["day"].isoformat(), start=data["start"].strftime("%H:%M"), end=data["end"].strftime("%H:%M")
    )
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(f"/workspace/events/{event.id}/edit", data=dict(data, capacity="1"))
    assert response.status_code == 400 and "2 seats are already booked" in response.get_data(as_text=True)
    assert client.post(f"/workspace/events/{event.id}/edit", data=dict(data, capacity="3")).status_code == 302
    assert seats(app, event.id) == (3, 0)
    assert _actions(app) == ["events.edit"]


def test_cancel_needs_confirmation_then_closes_registration(app, client, organizer):
    with app.app_context():
        event = make_event()
    visitor = app.test_client()
    token = manage_token(register(visitor, event.id))
    response = client.post(f"/workspace/events/{event.id}/cancel", data={"reason": "Speaker ill"})
    assert response.status_code == 400 and "Please tick the box" in response.get_data(as_text=True)
    client.post(f"/workspace/events/{event.id}/cancel", data={"reason": "Speaker ill", "confirm": "y"})
    page = visitor.get(event.path).get_data(as_text=True)
    assert "This event is cancelled" in page and "Speaker ill" in page
    assert "cancelled" in register(visitor, event.id, 2).get_data(as_text=True)
    assert "cancelled" in visitor.get(f"/events/manage/{token}").get_data(as_text=True)
    assert "STATUS:CANCELLED" in visitor.get(f"/events/{event.id}.ics").get_data(as_text=True)
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.action == "events.cancel")
    assert entry.reason == "Speaker ill" and entry.member_email == "org@example.org"


def test_roster_csv_lists_everyone_and_defuses_formulas(app, client, organizer):
    with app.app_context():
        event = make_event(capacity=1)
    visitor = app.test_client()
    register(visitor, event.id, 1, business_name='=HYPERLINK("http://x")')
    register(visitor, event.id, 2)
    response = client.get(f"/workspace/events/{event.id}/roster.csv")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "status"
    assert [r[0] for r in rows[1:]] == ["confirmed", "waitlisted"]
    assert rows[1][2].startswith("'=") and rows[2][1] == "1"
    assert "events.export" in _actions(app)


def test_attendance_is_saved_for_confirmed_registrations(app, client, organizer):
    with app.app_context():
        event = make_event()
    visitor = app.test_client()
    register(visitor, event.id, 1)
    register(visitor, event.id, 2)
    with app.app_context():
        first, second = [r.id for r in Registration.select().order_by(Registration.id)]
    client.post(f"/workspace/events/{event.id}/attendance", data={"present": [str(first), "junk", "999"]})
    with app.app_context():
        marks = {r.id: r.attended for r in Registration.select()}
    assert marks == {first: True, second: False}
    page = client.get(f"/workspace/events/{event.id}/roster").get_data(as_text=True)
    assert f'value="{first}" id="present-{first}" checked' in page


def test_removing_from_the_waitlist(app, client, organizer):
    with app.app_context():
        event = make_event(capacity=1)
    visitor = app.test_client()
    register(visitor, event.id, 1)
    register(visitor, event.id, 2)
    with app.app_context():
        waiting = Registration.get(Registration.status == "waitlisted")
    client.post(f"/workspace/events/{event.id}/waitlist/{waiting.id}/remove")
    assert seats(app, event.id) == (1, 0)
    again = client.post(f"/workspace/events/{event.id}/waitlist/{waiting.id}/remove", follow_redirects=True)
    assert "no longer on the waitlist" in again.get_data(as_text=True)
    assert _actions(app).count("events.waitlist_remove") == 1


def test_workspace_pages_render(app, client, organizer):
    with app.app_context():
        event = make_event()
    for url in (
        "/workspace/events/",
        "/workspace/events/new",
        f"/workspace/events/{event.id}",
        f"/workspace/events/{event.id}/edit",
        f"/workspace/events/{event.id}/roster",
        f"/workspace/events/{event.id}/cancel",
        f"/workspace/events/{event.id}/results",
        "/workspace/events/results",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/workspace/events/999").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": "2027-03-14", "start": "02:30"}, "02:30 does not exist on March 14, 2027"),
        ({"start": "19:00", "end": "18:00"}, "end time must be later"),
        ({"day": "14/03/2027"}, "Please enter the date"),
        ({"start": "7pm"}, "Please enter the start time"),
        ({"capacity": ""}, "need a number of seats"),
        ({"capacity": "100000"}, "from 1 to 500"),
        ({"online_url": "javascript:alert(1)"}, "starts with https://"),
        ({"packet_url": "//evil.example/x"}, "Please enter a page on this site"),
        ({"title": ""}, "Please give the event a title"),
        ({"kind": "party"}, "Not a valid choice"),
    ],
)
def test_event_form_explains_bad_input(app, client, organizer, changes, message):
    response = client.post("/workspace/events/new", data=dict(EVENT_FORM, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert Event.select().count() == 0


def test_an_ambiguous_fall_back_time_takes_the_first_and_says_so(app, client, organizer):
    response = client.post(
        "/workspace/events/new",
        data=dict(EVENT_FORM, day="2027-11-07", start="01:30", end="02:30"),
        follow_redirects=True,
    )
    assert "01:30 happens twice on that night" in response.get_data(as_text=True)
    with app.app_context():
        event = Event.get()
    # 01:30 EDT (UTC-4) is 05:30 UTC; the second 01:30 (EST) would be 06:30.
    assert event.starts_at.isoformat() == "2027-11-07T05:30:00"
    assert event.ends_at.isoformat() == "2027-11-07T07:30:00"
