"""/accountability: each quarter's totals and median days to a first response, on a known data set."""

import datetime

import pytest

from portal.db import writing
from portal.moderation import accountability
from portal.questions import workflow
from portal.questions.models import Answer
from tests.test_moderation_support import mod_app, new_item, reload

D = datetime.date


@pytest.fixture
def app(tmp_path, database_url):
    app = mod_app(tmp_path, database_url)
    with app.app_context(), writing():
        answer = Answer.create(
            slug="a", question_text="Q?", answer_html="<p>A</p>", topic="other", published_on=D(2025, 1, 12)
        )
    known = [
        dict(
            kind="question",
            message="alpha words",
            created_on=D(2025, 1, 10),
            status="answered",
            answer=answer.id,
            first_response_on=D(2025, 1, 12),
        ),
        dict(
            kind="feedback",
            message="bravo words",
            created_on=D(2025, 2, 1),
            status="replied",
            replied_on=D(2025, 2, 11),
            reply_text="Thanks",
            first_response_on=D(2025, 2, 11),
        ),
        dict(
            kind="question",
            message="charlie spam",
            created_on=D(2025, 3, 5),
            status="hidden",
            hidden_reason="spam",
        ),
        dict(
            kind="question",
            message="delta abuse",
            created_on=D(2025, 3, 6),
            status="hidden",
            hidden_reason="abuse: nasty words",
        ),
        dict(
            kind="join",
            message="echo join",
            created_on=D(2025, 3, 31),
            status="closed",
            first_response_on=D(2025, 4, 4),
            name="Echo Person",
            email="echo@example.org",
        ),
        dict(kind="question", message="foxtrot waiting", created_on=D(2025, 4, 1), status="received"),
        dict(
            kind="feedback",
            message="golf same day",
            created_on=D(2025, 5, 5),
            status="reviewing",
            first_response_on=D(2025, 5, 5),
        ),
    ]
    for fields in known:
        new_item(app, **{"topic": "other", **fields})
    return app


def test_quarterly_figures_on_a_known_data_set(app):
    with app.app_context():
        rows = accountability.load_rows()
    q2, q1 = accountability.quarterly(rows, today=D(2025, 6, 1))
    assert (q1.label, q1.complete, q2.label, q2.complete) == ("2025 Q1", True, "2025 Q2", False)
    assert q1.received == 5 and q1.by_kind == {"question": 3, "feedback": 1, "join": 1}
    assert (q1.answered, q1.replied, q1.closed, q1.still_open, q1.waiting) == (1, 1, 1, 0, 0)
    assert q1.hidden == {"spam": 1, "abuse": 1, "personal": 0, "off-topic": 0, "other": 0}
    assert (
        sorted(q1.days) == [2, 4, 10] and q1.median_days == 4
    )  # the join answered in the next quarter counts in Q1
    assert (q2.received, q2.still_open, q2.waiting, q2.days, q2.median_days) == (2, 2, 1, [0], 0)
    assert accountability.quarter_end(2025, 4) == D(2025, 12, 31)
    assert accountability.quarter_end(2025, 1) == D(2025, 3, 31)


def test_an_even_number_of_response_times_gives_the_middle_of_two():
    rows = [
        accountability.Row("question", D(2024, 7, 1), "closed", False, False, None, D(2024, 7, 1 + days))
        for days in (1, 2, 5, 9)
    ]
    (quarter,) = accountability.quarterly(rows, today=D(2025, 1, 1))
    assert quarter.median_days == 3.5 and quarter.hidden_total == 0


def test_the_public_page_shows_numbers_and_never_text(app):
    response = app.test_client().get("/accountability")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2025 Q1" in page and "2025 Q2" in page
    assert '<td class="num">5</td>' in page  # received in Q1
    assert '<td class="num">4 <span class="hint">(3 items)</span></td>' in page
    for word in (
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "nasty",
        "Echo Person",
        "echo@example.org",
    ):
        assert word not in page
    assert "Spam or advertising" in page and "First response" in page


def test_the_workflow_records_the_first_response_once(app):
    item = new_item(app, message="When?")
    spam = new_item(app, message="Spam")
    with app.test_request_context():
        workflow.start_review(item, "sam")
        first = reload(app, item).first_response_on
        workflow.close(reload(app, item), "sam")
        workflow.hide(spam, "spam", "sam")
    assert first == datetime.datetime.now(datetime.UTC).date()
    assert reload(app, item).first_response_on == first
    assert reload(app, spam).first_response_on is None  # hiding spam is not a response
