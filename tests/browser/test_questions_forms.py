"""Ask, feedback, join and status in a real browser: keyboard only, axe-core clean, error states too."""

import re

import pytest

from portal.questions import demo
from tests.browser.conftest import assert_accessible, tab_until

SUBMIT = "form.submission-form button[type=submit]"


@pytest.fixture(autouse=True)
def generous_limits(live_app):
    """Every request here comes from one loopback client; lift the per-client limits for this module."""
    keys = ("SUBMISSIONS_PER_HOUR", "STATUS_TRIES_PER_CLIENT", "STATUS_TRIES_OVERALL")
    saved = {key: live_app.config[key] for key in keys}
    live_app.config.update(dict.fromkeys(keys, 10_000))
    yield
    live_app.config.update(saved)


def submit_with(tab, key: str = "Enter") -> None:
    """Press a key that sends a form and wait for the next page."""
    with tab.expect_navigation():
        tab.keyboard.press(key)


def focused_id(tab) -> str:
    return tab.evaluate("document.activeElement && document.activeElement.id")


def receipt_code(tab) -> str:
    words = tab.locator(".code-word").all_inner_texts()
    assert len(words) == 6, words
    return " ".join(words)


def test_ask_by_keyboard_then_status_and_withdraw(page, live_server):
    page.goto(live_server + "/ask")
    assert_accessible(page)
    tab_until(page, "#message")
    page.keyboard.type("Where can I learn about the CLT's next meeting?")
    page.keyboard.press("Tab")
    assert focused_id(page) == "topic"
    page.keyboard.type("The CLT")  # typing picks an option in a focused select
    tab_until(page, SUBMIT)
    submit_with(page)
    page.wait_for_url(re.compile(r"/sent$"))
    assert page.locator("h1").inner_text() == "Thank you. We received your question."
    assert page.locator("[data-print]").is_visible()  # JavaScript offers a Print button
    assert page.locator(".crisis-box").count() == 0
    assert_accessible(page)
    code = receipt_code(page)

    page.goto(live_server + "/status")
    assert_accessible(page)
    tab_until(page, "#code")
    page.keyboard.type(code.upper())
    submit_with(page)
    assert "Received. The CLT has not looked at it yet." in page.locator(".status-line").inner_text()
    assert "next meeting" in page.locator(".visitor-text").inner_text()
    assert_accessible(page)

    tab_until(page, "form[action='/status/withdraw'] button")
    submit_with(page)
    assert page.locator("h1").inner_text() == "Withdraw your message?"
    assert_accessible(page)
    tab_until(page, "input[name=confirm] ~ button")
    submit_with(page)
    page.wait_for_url(re.compile(r"/status/withdrawn$"))
    assert_accessible(page)


def test_empty_message_error_state_is_announced_focused_and_accessible(page, live_server):
    page.goto(live_server + "/ask")
    tab_until(page, SUBMIT)
    submit_with(page)
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "Please write your message." in summary.inner_text()
    assert focused_id(page) == "error-summary"
    assert page.locator("#message").get_attribute("aria-invalid") == "true"
    assert "message-error" in page.locator("#message").get_attribute("aria-describedby")
    assert page.title().startswith("Please check the form")
    assert_accessible(page)
    # The summary links straight to the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused_id(page) == "message"


def test_personal_details_warning_then_send_as_is_by_keyboard(page, live_server):
    page.goto(live_server + "/feedback")
    tab_until(page, "#message")
    page.keyboard.type("Please call me on 518-555-0134 about the meeting.")
    tab_until(page, SUBMIT)
    submit_with(page)
    warning = page.locator("#personal-warning")
    assert "a phone number" in warning.inner_text()
    assert "518-555-0134" not in warning.inner_text()
    assert focused_id(page) == "personal-warning"
    assert_accessible(page)
    tab_until(page, "#send_as_is")
    page.keyboard.press("Space")
    assert page.locator("#send_as_is").is_checked()
    tab_until(page, SUBMIT)
    submit_with(page)
    page.wait_for_url(re.compile(r"/sent$"))
    assert page.locator("h1").inner_text() == "Thank you. We received your feedback."


def test_crisis_message_shows_911_and_988_first(page, live_server):
    page.goto(live_server + "/feedback")
    tab_until(page, "#message")
    page.keyboard.type("My friend is overdosing right now and won't wake up")
    tab_until(page, SUBMIT)
    submit_with(page)
    page.wait_for_url(re.compile(r"/sent$"))
    box = page.locator(".crisis-box")
    assert box.is_visible()
    assert "Call 911" in box.inner_text() and "Call or text 988" in box.inner_text()
    assert box.bounding_box()["y"] < page.locator(".receipt-code").bounding_box()["y"]
    assert_accessible(page)


def test_join_form_errors_then_success_by_keyboard(page, live_server):
    page.goto(live_server + "/join")
    assert_accessible(page)
    tab_until(page, "#email")
    page.keyboard.type("not-an-email")
    tab_until(page, SUBMIT)
    submit_with(page)
    summary = page.locator("#error-summary").inner_text()
    assert "Please tell us your name" in summary and "Enter an email address like" in summary
    assert_accessible(page)
    tab_until(page, "#name")
    page.keyboard.type("Sam Example")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("sam@example.org")
    tab_until(page, SUBMIT)
    submit_with(page)
    page.wait_for_url(re.compile(r"/sent$"))
    assert page.locator("h1").inner_text() == "Thank you. We received your interest form."


def test_wrong_code_and_demo_reply_on_status(page, live_server):
    page.goto(live_server + "/status")
    tab_until(page, "#code")
    page.keyboard.type("apple river candle garden kettle willow")
    submit_with(page)
    assert "We could not find a message with that code" in page.locator("main").inner_text()
    assert_accessible(page)
    tab_until(page, "#code")
    page.keyboard.press("Control+A")
    page.keyboard.type(demo.DEMO_CODE)
    submit_with(page)
    assert "Private reply from the CLT" in page.locator("main").inner_text()
    assert_accessible(page)


def test_answers_answer_page_and_search_are_accessible(page, live_server):
    page.goto(live_server + "/answers")
    assert page.locator("h2#topic-how-it-works").is_visible()
    assert_accessible(page)
    tab_until(page, "#search-q")
    page.keyboard.type("harm reduction")
    submit_with(page)
    page.wait_for_url(re.compile(r"/search\?q=harm"))
    assert page.locator("mark").count() > 0
    assert page.locator("#answers-found").is_visible() and page.locator("#pages-found").is_visible()
    assert_accessible(page)
    page.locator("#answers-found + ul a").first.click()
    page.wait_for_url(re.compile(r"/answers/\d+-"))
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/ask", "/feedback", "/join", "/status", "/answers", "/search?q=lead"])
def test_pages_fit_a_phone_screen(phone, live_server, path):
    phone.goto(live_server + path)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone)
