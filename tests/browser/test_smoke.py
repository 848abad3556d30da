"""The browser harness itself works: a page loads, axe runs, the skip link is first."""

from tests.browser.conftest import assert_accessible, tab_until


def test_home_loads_accessible_and_skip_link_first(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)
    assert tab_until(page, "a.skip-link") == 1
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
