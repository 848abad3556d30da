"""The meeting packet: counts, chart and items with no contact details, three formats, and 'discussed'."""

import csv
import datetime
import io
import json
import re

import markdown
import pytest

from portal.moderation import packet
from portal.questions import workflow
from portal.questions.models import today
from tests.test_events_support import make_event
from tests.test_moderation_support import (
    SCRIPT,
    assert_harmless,
    audit_rows,
    mod_app,
    new_item,
    reload,
    signed_in_moderator,
)

CONTACTS = (
    "asker@example.org",
    "Pat Asker",
    "518-555-0111",
    "Arbor Hill",
    "Jo Doe",
    "jo@example.org",
    "518-555-0199",
)
CODE = "maple-harbor-violet-candle-meadow-ribbon"
PACKET = "/workspace/moderation/packet/"


@pytest.fixture
def app(tmp_path, database_url):
    return mod_app(tmp_path, database_url)


@pytest.fixture
def client(app):
    client = app.test_client()
    signed_in_moderator(client)
    return client


@pytest.fixture
def seeded(app):
    """A question with contact details, a join request, hostile, answered and flagged items, spam."""
    asked = new_item(
        app,
        message="When is the next meeting?",
        topic="clt",
        email="asker@example.org",
        name="Pat Asker",
        phone="518-555-0111",
        neighbourhood="Arbor Hill",
        code=CODE,
    )
    join = new_item(
        app,
        kind="join",
        message="I want to help",
        topic="clt",
        name="Jo Doe",
        email="jo@example.org",
        phone="518-555-0199",
    )
    hostile = new_item(
        app,
        kind="feedback",
        message=f'=HYPERLINK("http://x") {SCRIPT} # *not* [markdown](javascript:alert(1))',
        topic="safety",
    )
    answered = new_item(app, message="I'm Pat at 12 Elm St. Does LEAD cost money?", topic="services")
    flagged = new_item(
        app, message="My case number is 23-012345", flag_personal=True, personal_kinds="case-number"
    )
    spam = new_item(app, message="BUY NOW cheap pills", status="hidden", hidden_reason="spam")
    with app.test_request_context():
        workflow.publish_answer(answered, "Does LEAD cost money?", "No.", "services", "sam")
    return {
        "asked": asked,
        "join": join,
        "hostile": hostile,
        "answered": answered,
        "flagged": flagged,
        "spam": spam,
    }


def downloads(client):
    csv_text = client.get(PACKET + "download.csv").get_data(as_text=True)
    md_text = client.get(PACKET + "download.md").get_data(as_text=True)
    return csv_text, md_text


def test_no_contact_details_anywhere_in_the_packet(client, seeded):
    page = client.get(PACKET).get_data(as_text=True)
    csv_text, md_text = downloads(client)
    for text in (page, csv_text, md_text):
        for contact in CONTACTS:
            assert contact not in text
    assert (
        "When is the next meeting?" in page
        and "When is the next meeting?" in csv_text
        and "When is the next meeting?" in md_text
    )
    assert (
        "Request to join" in page and "I want to help" not in page + csv_text + md_text
    )  # joins: a count only


def test_answered_questions_show_the_published_wording_and_flagged_text_is_withheld(client, seeded):
    page = client.get(PACKET).get_data(as_text=True)
    csv_text, md_text = downloads(client)
    for text in (page, csv_text, md_text):
        assert "Does LEAD cost money?" in text
        assert "Elm St" not in text
        assert "23-012345" not in text
        assert "Text withheld" in text
        assert "BUY NOW" not in text  # hidden: counted, not listed
    assert "Hidden items (spam or abuse) are counted above but not listed." in page


def test_hostile_text_is_harmless_in_every_format(client, seeded):
    page = client.get(PACKET).get_data(as_text=True)
    assert "&lt;script&gt;" in page
    assert_harmless(page)
    csv_text, md_text = downloads(client)
    rows = list(csv.reader(io.StringIO(csv_text)))
    hostile = next(row for row in rows if row and row[0] == str(seeded["hostile"].id))
    assert hostile[-1].startswith("'=HYPERLINK")  # a spreadsheet shows it as text, never runs it
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    rendered = markdown.markdown(md_text)
    assert_harmless(rendered)
    assert "<a " not in rendered and "<em>not</em>" not in rendered and "*not*" in rendered
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in rendered  # shown as the words that were sent
    response = client.get(PACKET + "download.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="clt-packet-')
    assert response.headers["Cache-Control"] == "no-store"


def test_counts_chart_and_equal_table(app, client, seeded):
    page = client.get(PACKET).get_data(as_text=True)
    assert "Items received from" in page and ": 6." in page
    figure = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page, re.S).group(1))
    questions, feedback = figure["data"]
    with app.app_context():
        found = packet.collect(today() - datetime.timedelta(days=1), today())
    assert questions["y"] == [found.by_topic[k]["question"] for k in found.by_topic]
    assert feedback["y"] == [found.by_topic[k]["feedback"] for k in found.by_topic]
    assert found.by_topic["safety"] == {"question": 0, "feedback": 1}
    assert found.by_topic["other"]["question"] == 2  # the flagged question and the spam
    assert found.by_kind == {"question": 4, "feedback": 1, "join": 1}
    assert found.by_state["hidden"] == 1 and found.by_state["answered"] == 1
    # The table under the chart holds the same numbers.
    assert re.search(
        r"Public safety and the police</th>"
        r'<td class="num">0</td><td class="num">1</td><td class="num">1</td>',
        page,
    )
    assert 'name="chart-library"' in page and "data-chart" in page


def test_default_period_runs_from_the_last_clt_meeting(app, client):
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with app.app_context():
        assert packet.last_meeting_day(now) is None
        make_event(
            kind="meeting",
            title="CLT meeting",
            slug="clt",
            starts_at=now - datetime.timedelta(days=12),
            ends_at=now - datetime.timedelta(days=12) + datetime.timedelta(hours=2),
            capacity=None,
        )
        make_event(
            kind="meeting",
            title="Cancelled",
            slug="c",
            status="cancelled",
            starts_at=now - datetime.timedelta(days=2),
            ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
            capacity=None,
        )
        make_event(
            kind="session",
            title="Session",
            slug="s",
            starts_at=now - datetime.timedelta(days=1),
            ends_at=now - datetime.timedelta(days=1) + datetime.timedelta(hours=2),
        )
        meeting_day = packet.last_meeting_day(now)
    assert (now.date() - meeting_day).days in (12, 13)  # Albany's date may be a day behind UTC's
    page = client.get(PACKET).get_data(as_text=True)
    assert f'value="{meeting_day.isoformat()}"' in page
    day = datetime.date(2026, 3, 31)
    assert packet.default_period(day, None) == (datetime.date(2026, 3, 1), day)
    assert packet.default_period(day, datetime.date(2026, 3, 20)) == (datetime.date(2026, 3, 20), day)


def test_a_chosen_period_and_a_bad_one(client, seeded):
    empty = client.get(PACKET + "?since=2001-01-01&until=2001-02-01").get_data(as_text=True)
    assert "Items received from 2001-01-01 to 2001-02-01: 0." in empty
    backwards = client.get(PACKET + "?since=2001-02-01&until=2001-01-01")
    assert backwards.status_code == 200 and "must not be before its start" in backwards.get_data(as_text=True)
    nonsense = client.get(PACKET + "?since=tomorrow")
    assert nonsense.status_code == 200 and "Please enter a date like 2026-03-14." in nonsense.get_data(
        as_text=True
    )


def test_marking_items_discussed_shows_on_their_status_page(app, client, seeded):
    on = today() - datetime.timedelta(days=1)
    closed = new_item(app, message="Already closed", status="closed")
    response = client.post(
        PACKET + "discussed", data={"item": [str(seeded["asked"].id), str(closed.id)], "on": on.isoformat()}
    )
    assert response.status_code == 303
    asked = reload(app, seeded["asked"])
    assert (asked.status, asked.meeting_on) == ("discussed", on)
    assert reload(app, closed).status == "closed"  # only open items can be marked
    assert audit_rows(app) == [("submission.discussed", f"submission:{asked.id}", on.isoformat())]
    status = app.test_client().post("/status", data={"code": CODE}).get_data(as_text=True)
    assert "Discussed at the CLT meeting on" in status
    future = client.post(
        PACKET + "discussed",
        data={"item": str(seeded["flagged"].id), "on": (today() + datetime.timedelta(days=3)).isoformat()},
        follow_redirects=True,
    )
    assert "cannot be in the future" in future.get_data(as_text=True)
    assert reload(app, seeded["flagged"]).status == "received"
