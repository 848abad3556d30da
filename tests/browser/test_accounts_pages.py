"""CLT member pages in a real browser: keyboard-only sign-in and axe-core on every accounts page."""

import re

from portal.accounts.members import DEMO_EMAIL, DEMO_PASSWORD
from tests.accounts_helpers import sign_in_browser
from tests.browser.conftest import assert_accessible, tab_until


def test_sign_in_and_out_by_keyboard_only(page, live_server):
    page.goto(live_server + "/workspace/account")
    assert "/workspace/sign-in" in page.url
    assert_accessible(page)
    tab_until(page, "#email")
    page.keyboard.type(DEMO_EMAIL)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/workspace/account$"))
    assert page.locator("h1").inner_text() == "Your account"

    tab_until(page, ".workspace-who button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/workspace/sign-in$"))
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(live_server + "/workspace/")
    assert "/workspace/sign-in" in page.url


def test_wrong_password_is_announced_and_linked(page, live_server):
    page.goto(live_server + "/workspace/sign-in")
    page.fill("#email", "nobody@lead-clt.invalid")
    page.fill("#password", "not the right password")
    page.click("form button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "not right" in summary.inner_text()
    assert page.locator("#password").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_workspace_pages_are_accessible(page, live_server):
    sign_in_browser(page, live_server, DEMO_EMAIL, DEMO_PASSWORD)
    for path, heading in (
        ("/workspace/", "CLT workspace"),
        ("/workspace/account", "Your account"),
        ("/workspace/members", "Members"),
        ("/workspace/audit", "Audit log"),
        ("/workspace/audit?log=sign-ins", "Audit log"),
        ("/workspace/outcomes/", "Outcome releases"),
    ):
        page.goto(live_server + path)
        assert page.locator("h1").inner_text() == heading, path
        assert page.locator("nav[aria-label=Workspace]").count() == 1
        assert_accessible(page)
    page.goto(live_server + "/workspace/members")
    page.click(f"text={DEMO_EMAIL}")
    assert page.locator("h1").inner_text().endswith(f"<{DEMO_EMAIL}>")
    assert_accessible(page)


def test_workspace_tables_scroll_by_keyboard_on_a_phone(phone, live_server, subtests):
    sign_in_browser(phone, live_server, DEMO_EMAIL, DEMO_PASSWORD)
    paths = ("/workspace/audit", "/workspace/audit?log=sign-ins", "/workspace/members", "/workspace/events/")
    for path in paths:
        with subtests.test(path=path):
            phone.goto(live_server + path)
            assert_accessible(phone)  # a table wider than the screen must be a focusable region


def test_second_factor_setup_page_is_accessible(page, live_server):
    sign_in_browser(page, live_server, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto(live_server + "/workspace/account")
    page.click("text=Set up a second factor")
    page.wait_for_url(re.compile(r".*/workspace/account/second-factor$"))
    assert page.locator("code.secret").first.is_visible()
    assert page.locator("a.otpauth").get_attribute("href").startswith("otpauth://totp/")
    assert_accessible(page)
    # Leaving without a code changes nothing: the demo account still signs in with its password alone.
    page.click("text=Not now: back to your account")
    assert page.get_by_text("Off. With a second factor").is_visible()
