"""A full moderation round in a real browser: two visitors ask, a moderator answers one in public
(after a preview) and replies privately to the other, and each visitor sees the result on /status."""

import re
import secrets

import pytest

from portal.accounts.members import DEMO_EMAIL, DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, tab_until

SUBMIT = "form.submission-form button[type=submit]"


@pytest.fixture(autouse=True)
def generous_limits(live_app):
    """Every request comes from one loopback client; lift the per-client limits for this module."""
    keys = ("SUBMISSIONS_PER_HOUR", "STATUS_TRIES_PER_CLIENT", "STATUS_TRIES_OVERALL")
    saved = {key: live_app.config[key] for key in keys}
    live_app.config.update(dict.fromkeys(keys, 10_000))
    yield
    live_app.config.update(saved)


def ask(tab, base: str, text: str) -> str:
    """Send a question through /ask as a visitor; return its receipt code."""
    tab.goto(base + "/ask")
    tab.fill("#message", text)
    tab.select_option("#topic", "clt")
    with tab.expect_navigation():
        tab.click(SUBMIT)
    tab.wait_for_url(re.compile(r"/sent$"))
    words = tab.locator(".code-word").all_inner_texts()
    assert len(words) == 6, words
    return " ".join(words)


def sign_in_by_keyboard(tab, base: str) -> None:
    tab.goto(base + "/workspace/moderation/")
    assert "/workspace/sign-in" in tab.url
    tab_until(tab, "#email")
    tab.keyboard.type(DEMO_EMAIL)
    tab.keyboard.press("Tab")
    tab.keyboard.type(DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r".*/workspace/moderation/$"))


def open_item(tab, base: str, token: str, label: str) -> None:
    tab.goto(f"{base}/workspace/moderation/?state=all&q={token}")
    with tab.expect_navigation():
        tab.locator("tr", has_text=label).locator("a").first.click()
    assert re.search(r"/workspace/moderation/items/\d+$", tab.url)


def check_status(tab, base: str, code: str) -> None:
    tab.goto(base + "/status")
    tab.fill("#code", code)
    with tab.expect_navigation():
        tab.click("form[action='/status'] button[type=submit]")


def test_a_full_moderation_round(page, live_server):
    token = secrets.token_hex(4)
    public_code = ask(page, live_server, f"Public {token}: how does someone become a CLT member?")
    private_code = ask(
        page, live_server, f"Private {token}: could someone from the CLT talk with my block club?"
    )

    sign_in_by_keyboard(page, live_server)
    page.goto(f"{live_server}/workspace/moderation/?state=all&q={token}")
    assert page.locator("h1").inner_text() == "Questions and feedback"
    assert page.locator("tr.mod-unseen").count() == 2  # both are new to this member
    assert_accessible(page)

    # Answer the first in public, with a preview; the edit removes the visitor's own words.
    open_item(page, live_server, token, f"Public {token}")
    assert f"Public {token}" in page.locator(".visitor-text").first.inner_text()
    assert_accessible(page)
    page.fill("#publish-question", "How does someone become a CLT member?")
    page.fill(
        "#publish-answer", "Anyone can **apply** with our [interest form](/join). <script>alert(1)</script>"
    )
    with page.expect_navigation():
        page.click("button[name=publish-preview]")
    assert page.locator("h1").inner_text() == "Preview the public answer"
    assert page.locator(".mod-preview .answer-body strong").inner_text() == "apply"
    assert page.locator(".mod-preview script").count() == 0
    assert_accessible(page)
    with page.expect_navigation():
        page.click("button[name=publish-publish]")
    assert "Published." in page.locator(".flash-messages").inner_text()
    answer_link = page.locator("#public-answer a")
    assert answer_link.inner_text() == "How does someone become a CLT member?"

    # Reply privately to the second.
    open_item(page, live_server, token, f"Private {token}")
    page.fill("#reply-text", "Yes. Please write to us again with a date that suits your block club.")
    with page.expect_navigation():
        page.click("button[name=reply-send]")
    assert "Reply saved." in page.locator(".flash-messages").inner_text()

    # The people who asked see the results with their receipt codes.
    check_status(page, live_server, public_code)
    assert "Answered in public" in page.locator(".status-line").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="How does someone become a CLT member?").click()
    assert page.locator("h1").inner_text() == "How does someone become a CLT member?"
    assert token not in page.content()
    assert page.locator(".answer-body script").count() == 0
    check_status(page, live_server, private_code)
    assert "replied to you privately" in page.locator(".status-line").inner_text()
    assert "write to us again" in page.locator(".private-reply").inner_text()


def test_packet_and_accountability_are_accessible(page, live_server):
    sign_in_by_keyboard(page, live_server)
    page.goto(live_server + "/workspace/moderation/packet/")
    assert page.locator("h1").inner_text() == "CLT meeting packet"
    chart = page.locator("[data-chart]")
    if chart.count():
        chart.first.scroll_into_view_if_needed()
        page.wait_for_selector(".chart-drawn, .chart-failed")
        assert page.locator(".chart-drawn").count() == 1
    assert_accessible(page)
    page.goto(live_server + "/workspace/moderation/templates/")
    assert page.locator(".mod-templates li").count() >= 2  # the demo templates
    assert_accessible(page)
    page.goto(live_server + "/accountability")
    assert page.locator("h1").inner_text() == "How the CLT responds"
    assert page.locator("table.mod-accountability").count() == 3
    assert_accessible(page)


def test_queue_and_an_item_on_a_phone(phone, live_server):
    sign_in_by_keyboard(phone, live_server)
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.locator("table.mod-queue a").first.click()
    assert phone.locator("h1").inner_text().startswith("#")
    assert_accessible(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing makes the whole page scroll sideways
