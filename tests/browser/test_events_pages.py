"""Events in a real browser: find, register, add to calendar and cancel by keyboard alone; axe-core clean."""

import datetime
import re
from pathlib import Path

import icalendar
import pytest

from portal.accounts.members import DEMO_EMAIL, DEMO_PASSWORD
from portal.db import writing
from portal.events import links
from portal.events.models import CONFIRMED, Event, Registration
from tests.accounts_helpers import sign_in_browser
from tests.browser.conftest import assert_accessible, tab_until

OPEN_SESSION = "lead-questions-and-answers"  # a demo session with plenty of seats


def _demo_event(live_app, slug: str) -> Event:
    with live_app.app_context():
        return Event.get(Event.slug == slug)


def test_find_register_add_to_calendar_and_cancel_by_keyboard_alone(page, live_server):
    page.goto(live_server + "/events")
    assert_accessible(page)
    tab_until(page, f'.event-list a[href$="-{OPEN_SESSION}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/events/\d+-{OPEN_SESSION}$"))
    assert page.locator("h1").inner_text() == "LEAD questions and answers for business owners"
    assert_accessible(page)

    tab_until(page, ".event-actions a.button:not(.secondary)")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/events/\d+/register$"))
    assert_accessible(page)
    tab_until(page, "#business_name")
    page.keyboard.type("Keyboard Bakery")
    for field_id, text in (("contact_name", "Sam Tester"), ("email", "sam@example.org")):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == field_id
        page.keyboard.type(text)
    tab_until(page, "#attendees")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_until(page, "form.event-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/events/manage/[^/]+$"))
    assert page.locator("h1").inner_text() == "You are registered"
    assert "We saved 2 seats for you." in page.locator("main").inner_text()
    assert_accessible(page)

    tab_until(page, 'main a[href$=".ics"]')
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"{OPEN_SESSION}.ics"
    (entry,) = icalendar.Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert str(entry["summary"]) == "LEAD questions and answers for business owners"
    assert str(entry["url"]).endswith(f"-{OPEN_SESSION}")

    tab_until(page, "button.danger")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Your registration is cancelled.").is_visible()
    assert "Cancelled" in page.locator(".event-facts").inner_text()
    assert page.locator("button.danger").count() == 0
    assert_accessible(page)


def test_mistakes_are_listed_linked_and_accessible(page, live_server, live_app):
    event = _demo_event(live_app, OPEN_SESSION)
    page.goto(f"{live_server}/events/{event.id}/register")
    tab_until(page, "#email")
    page.keyboard.type("not an email")
    tab_until(page, "form.event-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Please enter the name of your business." in summary.inner_text()
    assert "Please enter an email address like name@example.com." in summary.inner_text()
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


@pytest.mark.parametrize(
    "slug", ["someone-in-crisis", "clt-meeting-next", "clt-meeting-last", "lead-for-businesses-30"]
)
def test_event_pages_are_accessible_on_a_phone(phone, live_server, live_app, slug):
    event = _demo_event(live_app, slug)
    phone.goto(live_server + event.path)
    assert phone.locator("h1").inner_text() == event.title
    assert_accessible(phone)


def test_evaluation_form_by_keyboard(page, live_server, live_app):
    event = _demo_event(live_app, "lead-for-businesses-30")
    with live_app.test_request_context(), writing():
        registration = Registration.create(
            event=event,
            submission_key="browser-evaluation-key",
            business_name="Eval Shop",
            contact_name="Eve",
            email="eve@example.org",
            attendees=1,
            status=CONFIRMED,
            created_at=datetime.datetime(2020, 1, 1),
            updated_at=datetime.datetime(2020, 1, 1),
        )
        token = links.issue(registration, links.EVALUATE)
    page.goto(f"{live_server}/events/evaluate/{token}")
    assert_accessible(page)
    for name, value in (("before", "2"), ("after", "4"), ("usefulness", "5"), ("recommend", "yes")):
        tab_until(page, f'input[name="{name}"]')
        # Arrow keys move within a radio group; Space picks the focused one.
        while page.evaluate("document.activeElement.value") != value:
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Space")
    tab_until(page, "form.event-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/thanks$"))
    assert page.locator("h1").inner_text() == "Thank you"
    page.goto(f"{live_server}/events/evaluate/{token}")
    assert page.locator("h1").inner_text() == "You already answered"


def test_workspace_events_pages_are_accessible(page, live_server, live_app):
    event = _demo_event(live_app, "lead-for-businesses-30")
    sign_in_browser(page, live_server, DEMO_EMAIL, DEMO_PASSWORD)
    for path in (
        "/workspace/events/",
        "/workspace/events/new",
        f"/workspace/events/{event.id}",
        f"/workspace/events/{event.id}/edit",
        f"/workspace/events/{event.id}/roster",
        f"/workspace/events/{event.id}/cancel",
        f"/workspace/events/{event.id}/results",
        "/workspace/events/results",
    ):
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
