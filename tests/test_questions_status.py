"""The receipt-code round trip: status in every state, private replies, withdrawal, guess limits."""

import datetime
import html
import re

import pytest

from portal.questions import workflow
from portal.questions.models import Answer, Submission
from tests.conftest import make_app

QUESTION = {
    "message": "Why does LEAD start with the police?",
    "topic": "how-it-works",
    "relationship": "",
    "neighbourhood": "",
}
NOT_FOUND = "We could not find a message with that code"


@pytest.fixture
def qapp(tmp_path, database_url):
    return make_app(database_url, MIN_FILL_SECONDS=0, MAIL_OUTBOX=tmp_path / "outbox")


@pytest.fixture
def qclient(qapp):
    return qapp.test_client()


def send(client, url="/ask", **fields) -> str:
    """Submit a form and return the receipt code shown once."""
    assert client.post(url, data=QUESTION | fields).status_code == 303
    page = client.get("/sent").get_data(as_text=True)
    return "-".join(re.findall(r'class="code-word">([a-z]+)<', page))


def status_page(client, code) -> str:
    return html.unescape(client.post("/status", data={"code": code}).get_data(as_text=True))


def only_item(app) -> Submission:
    with app.app_context():
        return Submission.get()


def test_status_form_is_posted_not_in_the_url(qclient):
    page = qclient.get("/status").get_data(as_text=True)
    assert 'method="post" action="/status"' in page
    assert qclient.get("/status?code=a-b-c").status_code == 200  # a query string is ignored
    assert NOT_FOUND not in page


def test_received_status_and_message_shown_with_no_store(qclient):
    code = send(qclient, email="me@example.org")
    response = qclient.post("/status", data={"code": code})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = html.unescape(response.get_data(as_text=True))
    assert "Received. The CLT has not looked at it yet." in page
    assert QUESTION["message"] in page
    assert "We will email you when the CLT replies" in page


def test_code_is_accepted_in_any_case_and_with_any_separators(qclient):
    code = send(qclient)
    for typed in (code.upper(), code.replace("-", " "), "  " + code.replace("-", " . ") + "\n"):
        assert "Received." in status_page(qclient, typed)


def test_every_state_reads_plainly(qapp, qclient):
    code = send(qclient)
    item = only_item(qapp)
    with qapp.test_request_context():
        workflow.start_review(item, "sam")
    assert "Being reviewed by the CLT." in status_page(qclient, code)
    with qapp.test_request_context():
        workflow.mark_discussed([item], datetime.date(2026, 11, 20), "sam")
    assert "Discussed at the CLT meeting on November 20, 2026." in status_page(qclient, code)
    with qapp.test_request_context():
        answer = workflow.publish_answer(
            item, "Why does LEAD start with police?", "Because **both** ways in do.", "how-it-works", "sam"
        )
    page = status_page(qclient, code)
    assert "Answered in public on this website." in page
    assert f'href="{answer.path}"' in page and "Why does LEAD start with police?" in page
    assert "The CLT discussed it at the meeting on November 20, 2026." in page
    with qapp.test_request_context():
        workflow.close(item, "sam")
    assert "Closed. The CLT has finished with this message." in status_page(qclient, code)


def test_private_reply_is_shown_escaped(qapp, qclient):
    code = send(qclient, url="/feedback")
    with qapp.test_request_context():
        workflow.reply_privately(only_item(qapp), "Thank you.\n<b>We</b> will look into it.", "sam")
    raw = qclient.post("/status", data={"code": code}).get_data(as_text=True)
    assert "Private reply from the CLT" in raw
    assert "&lt;b&gt;We&lt;/b&gt; will look into it." in raw
    assert "The CLT replied to you privately." in html.unescape(raw)


def test_hidden_items_read_as_closed(qapp, qclient):
    code = send(qclient)
    with qapp.test_request_context():
        workflow.hide(only_item(qapp), "spam", "sam")
    main = re.search(r"<main.*</main>", status_page(qclient, code), re.S).group(0)
    assert "Closed. The CLT has finished with this message." in main
    assert "spam" not in main and "hidden" not in main.replace('type="hidden"', "").lower()


def test_wrong_and_malformed_codes_get_the_same_calm_message(qclient):
    send(qclient)
    wrong = qclient.post("/status", data={"code": "apple river candle garden kettle willow"})
    malformed = qclient.post("/status", data={"code": "' OR 1=1; --"})
    short = qclient.post("/status", data={"code": "apple"})
    assert wrong.status_code == malformed.status_code == short.status_code == 200

    def notice(response):
        page = response.get_data(as_text=True)
        return re.search(r'<div class="notice warn[^"]*".*?</div>', page, re.S).group(0)

    assert NOT_FOUND in html.unescape(notice(wrong))
    assert notice(wrong) == notice(malformed) == notice(short)


def test_empty_and_huge_codes_get_clear_messages(qclient):
    assert "Please type your receipt code." in html.unescape(
        qclient.post("/status", data={"code": "  "}).get_data(as_text=True)
    )
    page = html.unescape(qclient.post("/status", data={"code": "x" * 500}).get_data(as_text=True))
    assert "That is longer than any receipt code" in page


def test_withdraw_asks_first_then_deletes_the_row(qapp, qclient):
    code = send(qclient, email="me@example.org")
    confirm = html.unescape(qclient.post("/status/withdraw", data={"code": code}).get_data(as_text=True))
    assert "Withdraw your message?" in confirm and "You cannot undo this" in confirm
    assert "The public answer will stay" not in confirm
    with qapp.app_context():
        assert Submission.select().count() == 1
    response = qclient.post("/status/withdraw", data={"code": code, "confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/status/withdrawn")
    with qapp.app_context():
        assert Submission.select().count() == 0
    assert NOT_FOUND in status_page(qclient, code)
    assert NOT_FOUND in html.unescape(
        qclient.post("/status/withdraw", data={"code": code, "confirm": "yes"}).get_data(as_text=True)
    )


def test_withdrawing_an_answered_question_keeps_the_public_answer_and_says_so(qapp, qclient):
    code = send(qclient)
    with qapp.test_request_context():
        answer = workflow.publish_answer(
            only_item(qapp), "Edited question?", "The answer.", "how-it-works", "sam"
        )
    confirm = html.unescape(qclient.post("/status/withdraw", data={"code": code}).get_data(as_text=True))
    assert "The public answer will stay" in confirm and answer.path in confirm
    qclient.post("/status/withdraw", data={"code": code, "confirm": "yes"})
    with qapp.app_context():
        assert Submission.select().count() == 0
        assert Answer.get_by_id(answer.id).question_text == "Edited question?"
    assert qclient.get(answer.path).status_code == 200


def test_keep_it_goes_back_to_the_status(qclient):
    code = send(qclient)
    page = html.unescape(qclient.post("/status", data={"code": code, "confirm": ""}).get_data(as_text=True))
    assert "Received." in page


def test_guesses_are_limited_per_client(database_url):
    app = make_app(database_url, MIN_FILL_SECONDS=0, STATUS_TRIES_PER_CLIENT=3)
    client = app.test_client()
    guess = {"code": "apple river candle garden kettle willow"}
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert client.post("/status", data=guess, environ_base=here).status_code == 200
    limited = client.post("/status", data=guess, environ_base=here)
    assert limited.status_code == 429 and "too many tries" in limited.get_data(as_text=True)
    # Withdrawing is a guess too.
    assert (
        client.post("/status/withdraw", data=guess | {"confirm": "yes"}, environ_base=here).status_code == 429
    )
    assert client.post("/status", data=guess, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200


def test_guesses_are_limited_overall(database_url):
    app = make_app(database_url, MIN_FILL_SECONDS=0, STATUS_TRIES_OVERALL=4)
    client = app.test_client()
    guess = {"code": "apple river candle garden kettle willow"}
    for number in range(4):
        assert (
            client.post(
                "/status", data=guess, environ_base={"REMOTE_ADDR": f"203.0.113.{number}"}
            ).status_code
            == 200
        )
    assert client.post("/status", data=guess, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 429


def test_status_works_for_join_requests(qapp, qclient):
    data = {"name": "Sam", "email": "sam@example.org", "phone": "", "message": ""}
    assert qclient.post("/join", data=data).status_code == 303
    code = "-".join(re.findall(r'class="code-word">([a-z]+)<', qclient.get("/sent").get_data(as_text=True)))
    assert "Interest in joining the CLT" in status_page(qclient, code)
