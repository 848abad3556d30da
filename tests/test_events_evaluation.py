"""The after-session evaluation: one answer per registration, anonymous, comments never published."""

import datetime
import re

import pytest

from portal.db import writing
from portal.events import links
from portal.events.localtime import utcnow
from portal.events.models import Evaluation, Event, Registration
from tests.accounts_helpers import make_member, sign_in
from tests.test_events_support import events_app, make_event, register


@pytest.fixture
def app(tmp_path, database_url):
    return events_app(tmp_path, database_url)


ANSWERS = {
    "before": "2",
    "after": "4",
    "usefulness": "5",
    "recommend": "yes",
    "comment": "Loved it <b>really</b>",
}


def _held_session(app, client, people: int = 1):
    """Return (event, [evaluation tokens]) for a session that ended an hour ago."""
    with app.app_context():
        event = make_event(title="Held session")
    for n in range(people):
        register(client, event.id, n)
    tokens = []
    with app.test_request_context():
        past = utcnow() - datetime.timedelta(hours=2)
        Event.update(starts_at=past, ends_at=past + datetime.timedelta(hours=1)).execute()
        with writing():
            for registration in Registration.select():
                tokens.append(links.issue(registration, links.EVALUATE))
    return event, tokens


def test_the_link_works_once(app, client):
    event, (token,) = _held_session(app, client)
    assert client.get(f"/events/evaluate/{token}").status_code == 200
    response = client.post(f"/events/evaluate/{token}", data=ANSWERS)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{event.id}/thanks")
    again = client.get(f"/events/evaluate/{token}")
    assert "You already answered" in again.get_data(as_text=True)
    client.post(f"/events/evaluate/{token}", data=dict(ANSWERS, before="1"))
    with app.app_context():
        (row,) = Evaluation.select()
    assert (row.understanding_before, row.understanding_after, row.usefulness, row.recommend) == (
        2,
        4,
        5,
        "yes",
    )


def test_answers_are_kept_without_a_link_to_the_person(app, client):
    _held_session(app, client)
    assert "registration" not in Evaluation._meta.fields
    assert {f for f in Evaluation._meta.fields} == {
        "id",
        "event",
        "understanding_before",
        "understanding_after",
        "usefulness",
        "recommend",
        "comment",
        "submitted_on",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"before": "9"}, "Not a valid choice"),
        ({"after": ""}, "Please pick one answer"),
        ({"recommend": "definitely"}, "Not a valid choice"),
        ({"comment": "x" * 2001}, "under 2,000 characters"),
    ],
)
def test_bad_answers_get_a_clear_message(app, client, changes, message):
    _event, (token,) = _held_session(app, client)
    response = client.post(f"/events/evaluate/{token}", data=dict(ANSWERS, **changes))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert Evaluation.select().count() == 0


def test_forged_and_expired_links_are_explained(app, client, monkeypatch):
    _event, (token,) = _held_session(app, client)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get(f"/events/evaluate/{forged}").status_code == 404
    # A manage link is not an evaluation link, and the other way round.
    assert client.get(f"/events/manage/{token}").status_code == 404
    from itsdangerous import TimestampSigner

    sixty_one_days_ago = int(datetime.datetime.now(datetime.UTC).timestamp()) - 61 * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: sixty_one_days_ago)
    with app.test_request_context(), writing():
        old = links.issue(Registration.get(), links.EVALUATE)
    monkeypatch.undo()
    response = client.get(f"/events/evaluate/{old}")
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)


def test_not_open_before_the_session(app, client):
    with app.app_context():
        event = make_event()
    register(client, event.id)
    with app.test_request_context(), writing():
        token = links.issue(Registration.get(), links.EVALUATE)
    assert "You can answer after the session" in client.get(f"/events/evaluate/{token}").get_data(
        as_text=True
    )


def test_comments_are_never_published_but_organizers_read_them_escaped(app, client):
    event, tokens = _held_session(app, client, people=3)
    for token, before in zip(tokens, ("1", "2", "2"), strict=True):
        client.post(f"/events/evaluate/{token}", data=dict(ANSWERS, before=before))
    assert "Loved it" not in client.get(event.path).get_data(as_text=True)
    organizer = app.test_client()
    sign_in(organizer, make_member(email="org@example.org", roles=("organizer",)))
    page = organizer.get(f"/workspace/events/{event.id}/results").get_data(as_text=True)
    assert "Loved it &lt;b&gt;really&lt;/b&gt;" in page and "<b>really</b>" not in page
    assert "3 responses." in page
    # The table always carries the numbers; the chart hook carries the same figure as JSON.
    assert '<th scope="row">1 – not at all</th><td class="num">1</td><td class="num">0</td>' in page
    assert '<th scope="row">2</th><td class="num">2</td><td class="num">0</td>' in page
    assert page.count('<script type="application/json">') == 3
    assert "data-chart" in page


def test_results_over_time_table_and_trend(app, client):
    event, tokens = _held_session(app, client, people=2)
    for token in tokens:
        client.post(f"/events/evaluate/{token}", data=ANSWERS)
    organizer = app.test_client()
    sign_in(organizer, make_member(email="org@example.org", roles=("organizer",)))
    page = re.sub(r">\s+<", "><", organizer.get("/workspace/events/results").get_data(as_text=True))
    assert "2 responses in all." in page
    assert f'/workspace/events/{event.id}/results">Held session</a>' in page
    assert (
        '<td class="num">2.0</td><td class="num">4.0</td><td class="num">5.0</td><td class="num">2</td>'
        in page
    )
    assert page.count('<script type="application/json">') == 1
