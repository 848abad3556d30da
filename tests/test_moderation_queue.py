"""The queue: filters, search, sorting, counts per state, pages, and the bulk actions."""

import datetime

import pytest

from portal.moderation import queue
from portal.moderation.models import Assignment
from tests.test_moderation_support import (
    SCRIPT,
    assert_harmless,
    audit_rows,
    mod_app,
    new_item,
    reload,
    signed_in_moderator,
)

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture
def app(tmp_path, database_url):
    return mod_app(tmp_path, database_url)


@pytest.fixture
def client(app):
    client = app.test_client()
    signed_in_moderator(client)
    return client


@pytest.fixture
def mixed(app):
    """Five items of different kinds, topics, states, flags and days."""
    day = datetime.timedelta(days=1)
    return {
        "old_question": new_item(
            app, message="Old question about arrests", topic="how-it-works", created_on=TODAY - 40 * day
        ),
        "crisis": new_item(
            app,
            kind="feedback",
            message="I feel unsafe",
            topic="safety",
            flag_crisis=True,
            created_on=TODAY - 2 * day,
        ),
        "personal": new_item(
            app,
            message="Call 518-555-0100 about 100% sure",
            flag_personal=True,
            personal_kinds="phone",
            created_on=TODAY - day,
        ),
        "closed": new_item(app, message="Finished one", status="closed", created_on=TODAY - 3 * day),
        "join": new_item(
            app,
            kind="join",
            message="Let me join",
            topic="clt",
            name="Jo",
            email="jo@example.org",
            created_on=TODAY,
        ),
    }


def ids(app, filters, member_id=1):
    with app.app_context():
        return [item.id for item in queue.matching(filters, member_id)]


def test_filters_search_and_sorting(app, mixed):
    m = {name: item.id for name, item in mixed.items()}
    everything = queue.Filters(state=queue.ALL)
    assert ids(app, queue.Filters()) == [
        m["join"],
        m["personal"],
        m["crisis"],
        m["old_question"],
    ]  # open, newest first
    assert ids(app, queue.Filters(sort="oldest"))[0] == m["old_question"]
    assert ids(app, queue.Filters(sort="flagged"))[:2] == [m["crisis"], m["personal"]]
    assert ids(app, queue.Filters(kind="feedback")) == [m["crisis"]]
    assert ids(app, queue.Filters(topic="how-it-works")) == [m["old_question"]]
    assert ids(app, queue.Filters(state="closed")) == [m["closed"]]
    assert ids(app, queue.Filters(flag="any")) == [m["personal"], m["crisis"]]
    assert ids(app, queue.Filters(flag="crisis")) == [m["crisis"]]
    assert ids(app, queue.Filters(flag="personal")) == [m["personal"]]
    window = queue.Filters(
        state=queue.ALL, since=TODAY - datetime.timedelta(days=3), until=TODAY - datetime.timedelta(days=1)
    )
    assert ids(app, window) == [m["personal"], m["crisis"], m["closed"]]
    assert ids(app, queue.Filters(state=queue.ALL, q="ARRESTS old")) == [m["old_question"]]
    assert ids(app, queue.Filters(state=queue.ALL, q="old unsafe")) == []  # every word must match
    # LIKE wildcards are matched literally, not as "anything".
    assert ids(app, replace_q(everything, "100%")) == [m["personal"]]
    assert ids(app, replace_q(everything, "_")) == []


def replace_q(filters, q):
    import dataclasses

    return dataclasses.replace(filters, q=q)


def test_counts_per_state_follow_every_filter_but_the_state(app, mixed):
    with app.app_context():
        counts = queue.state_counts(queue.Filters(state="closed"), 1)
        questions = queue.state_counts(queue.Filters(kind="question"), 1)
    assert counts["received"] == 4 and counts["closed"] == 1 and counts["open"] == 4 and counts["all"] == 5
    assert questions["received"] == 2 and questions["closed"] == 1 and questions["all"] == 3


def test_the_queue_page_shows_counts_marks_new_items_and_escapes_text(app, client, mixed):
    hostile = new_item(app, message=f"Hi {SCRIPT}")
    client.get(f"/workspace/moderation/items/{mixed['crisis'].id}")
    page = client.get("/workspace/moderation/").get_data(as_text=True)
    assert 'aria-current="true">Open <span class="mod-count">5</span>' in page
    assert "Hi &lt;script&gt;" in page
    assert_harmless(page)
    assert page.count('class="mod-unseen"') == 4  # five open items, one opened
    unseen = client.get("/workspace/moderation/?flag=unseen").get_data(as_text=True)
    assert "I feel unsafe" not in unseen and f"#{hostile.id} ·" in unseen


def test_bad_filter_values_get_a_message_not_an_error(app, client, mixed):
    response = client.get(
        "/workspace/moderation/?kind=robot&since=yesterday&sort=%3Cscript%3E&page=-3&q=" + "x" * 500
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please choose one of the options in the list." in page
    assert "Please enter a date like 2026-03-14." in page
    assert "Old question about arrests" in page  # the defaults still show the open items


def test_pages_of_fifty(app, client):
    for number in range(55):
        new_item(app, message=f"Item number {number}")
    first = client.get("/workspace/moderation/").get_data(as_text=True)
    assert "Showing 1 to 50 of 55 items." in first and "Page 1 of 2" in first
    second = client.get("/workspace/moderation/?page=2").get_data(as_text=True)
    assert "Showing 51 to 55 of 55 items." in second and "Item number 0<" in second


def test_bulk_close_asks_for_confirmation_then_changes_and_logs_each_item(app, client, mixed):
    chosen = [mixed["old_question"].id, mixed["personal"].id, mixed["closed"].id]
    data = {"action": "close", "item": [str(i) for i in chosen], "back": "kind=question&evil=1"}
    confirm = client.post("/workspace/moderation/bulk", data=data)
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "will apply to 3 items" in page
    assert reload(app, mixed["old_question"]).status == "received"  # nothing yet
    done = client.post("/workspace/moderation/bulk", data={**data, "confirm": "yes"})
    assert done.status_code == 303 and done.headers["Location"] == "/workspace/moderation/?kind=question"
    assert (
        reload(app, mixed["old_question"]).status == "closed"
        and reload(app, mixed["personal"]).status == "closed"
    )
    assert [r for r in audit_rows(app)] == [
        ("submission.closed", f"submission:{mixed['old_question'].id}", ""),
        ("submission.closed", f"submission:{mixed['personal'].id}", ""),
    ]
    queue_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 items changed." in queue_page and "1 item was left as it was" in queue_page


def test_bulk_review_spam_and_assign(app, client, mixed):
    other = signed_in_moderator(app.test_client(), email="bea@example.org")
    targets = [mixed["crisis"].id, mixed["join"].id]
    for action in ("review", "spam"):
        client.post(
            "/workspace/moderation/bulk",
            data={"action": action, "item": [str(i) for i in targets], "confirm": "yes"},
        )
    assert (
        reload(app, mixed["crisis"]).status == "hidden"
        and reload(app, mixed["crisis"]).hidden_reason == "spam"
    )
    client.post(
        "/workspace/moderation/bulk",
        data={
            "action": "assign",
            "assignee": str(other.id),
            "item": [str(i) for i in targets],
            "confirm": "yes",
        },
    )
    with app.app_context():
        assert {a.submission_id for a in Assignment.select().where(Assignment.member == other.id)} == set(
            targets
        )
    actions = [row[0] for row in audit_rows(app)]
    assert actions == ["submission.reviewing"] * 2 + ["submission.spam"] * 2 + ["submission.assigned"] * 2


def test_bulk_review_never_reopens_a_finished_item(app, client, mixed):
    hidden = new_item(app, message="Buy pills", status="hidden")
    chosen = [mixed["closed"].id, hidden.id, mixed["old_question"].id]
    done = client.post(
        "/workspace/moderation/bulk",
        data={"action": "review", "item": [str(i) for i in chosen], "confirm": "yes"},
        follow_redirects=True,
    )
    assert reload(app, mixed["closed"]).status == "closed" and reload(app, hidden).status == "hidden"
    assert reload(app, mixed["old_question"]).status == "reviewing"
    assert [row[0] for row in audit_rows(app)] == ["submission.reviewing"]
    page = done.get_data(as_text=True)
    assert "1 item changed." in page and "2 items were left as they were" in page


def test_bulk_without_a_selection_or_with_a_bad_action_explains(app, client, mixed):
    empty = client.post(
        "/workspace/moderation/bulk", data={"action": "close", "confirm": "yes"}, follow_redirects=True
    )
    assert "Please tick at least one item first." in empty.get_data(as_text=True)
    bad = client.post(
        "/workspace/moderation/bulk",
        data={"action": "delete-all", "item": "1", "confirm": "yes"},
        follow_redirects=True,
    )
    assert "Please choose one of the options in the list." in bad.get_data(as_text=True)
    nobody = client.post(
        "/workspace/moderation/bulk",
        data={"action": "assign", "assignee": "999", "item": "1"},
        follow_redirects=True,
    )
    assert "Please choose one of the options in the list." in nobody.get_data(as_text=True)
    assert audit_rows(app) == [] and reload(app, mixed["old_question"]).status == "received"
