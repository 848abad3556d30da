"""Moderation is for moderators only; every POST needs a CSRF token."""

import pytest

from portal.accounts import gate
from portal.moderation import answer_templates
from portal.questions.models import Submission
from tests.accounts_helpers import make_member, sign_in
from tests.test_moderation_support import mod_app, new_item, reload, signed_in_moderator

ITEM = 1
TEMPLATE = 1


def moderation_rules(app) -> list[tuple[str, str, list[str]]]:
    """Every moderation route with a URL built for item 1 / template 1 and its methods."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("moderation."):
            url = rule.build({"item_id": ITEM, "template_id": TEMPLATE}, append_unknown=False)[1]
            found.append((rule.endpoint, url, sorted(rule.methods - {"HEAD", "OPTIONS"})))
    return found


@pytest.fixture
def app(tmp_path, database_url):
    app = mod_app(tmp_path, database_url)
    new_item(app, message="First question?")
    with app.app_context():
        answer_templates.create("Thanks", "Thank you.", None)
    return app


def test_the_walk_finds_every_moderation_page(app):
    endpoints = {endpoint for endpoint, _url, _methods in moderation_rules(app)}
    assert {
        "moderation.index",
        "moderation.bulk_action",
        "moderation.digest_setting",
        "moderation.items.show",
        "moderation.items.publish",
        "moderation.items.reply",
        "moderation.items.hide",
        "moderation.packet.show",
        "moderation.packet.csv_download",
        "moderation.packet.discussed",
        "moderation.templates.new",
        "moderation.templates.delete",
    } <= endpoints
    assert len(endpoints) >= 23
    for endpoint in endpoints:
        assert gate.required_role(endpoint) == (True, "moderator"), endpoint


def test_signed_out_visitors_are_sent_to_sign_in_and_posts_refused(app):
    client = app.test_client()
    for endpoint, url, methods in moderation_rules(app):
        for method in methods:
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, endpoint
                assert response.headers["Location"].startswith("/workspace/sign-in?next="), endpoint
            else:
                assert response.status_code == 401, (endpoint, method)
    assert reload(app, Submission(id=ITEM)).status == "received"


@pytest.mark.parametrize("role", ["organizer", "data_steward", "admin"])
def test_members_without_the_moderator_role_get_403_everywhere(app, role):
    client = app.test_client()
    sign_in(client, make_member(f"{role}@example.org", roles=(role,)))
    for endpoint, url, methods in moderation_rules(app):
        for method in methods:
            response = client.open(url, method=method, data={})
            assert response.status_code == 403, (role, endpoint, method, response.status_code)
    assert reload(app, Submission(id=ITEM)).status == "received"


def test_a_moderator_can_open_every_page_and_use_every_form(app):
    client = app.test_client()
    signed_in_moderator(client)
    for endpoint, url, methods in moderation_rules(app):
        for method in methods:
            response = client.open(url, method=method, data={})
            if method == "GET":
                assert response.status_code == 200, (endpoint, response.status_code)
                assert response.headers["Cache-Control"] == "no-store", endpoint
            else:
                # Empty forms: a validation answer or a redirect with a message, never a refusal or a crash.
                assert response.status_code in (200, 302, 303, 400), (endpoint, response.status_code)


def test_every_post_without_a_csrf_token_is_refused(tmp_path, database_url):
    app = mod_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    item = new_item(app, message="Can I ask this?")
    with app.app_context():
        answer_templates.create("Thanks", "Thank you.", None)
    client = app.test_client()
    signed_in_moderator(client)
    posts = [(e, u) for e, u, methods in moderation_rules(app) if "POST" in methods]
    assert len(posts) >= 15
    payload = {
        "item": str(item.id),
        "action": "close",
        "confirm": "yes",
        "turn_on": "y",
        "hide-reason": "spam",
        "topic-topic": "results",
        "note-text": "a note",
        "reply-text": "a reply",
        "reply-send": "y",
        "title": "T",
        "body": "B",
        "on": "2020-01-01",
    }
    for endpoint, url in posts:
        response = client.post(url, data=payload)
        assert response.status_code == 400, endpoint
        assert b"This form expired" in response.data, endpoint
    stored = reload(app, item)
    assert (stored.status, stored.topic, stored.reply_text) == ("received", "other", None)
    # The same close with the page's token goes through.
    page = client.get(f"/workspace/moderation/items/{item.id}").get_data(as_text=True)
    from tests.accounts_helpers import csrf_token

    response = client.post(
        f"/workspace/moderation/items/{item.id}/close", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert reload(app, item).status == "closed"
