"""The state machine the CLT workspace calls, and the mail it sends through a real SMTP server."""

import datetime

import pytest

from portal.questions import answers, choices, workflow
from portal.questions.intake import submit
from portal.questions.models import Answer, Submission
from portal.questions.screening import Screening
from tests.conftest import make_app


@pytest.fixture
def qapp(tmp_path, database_url):
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox")


def new_item(kind="question", **fields) -> Submission:
    receipt = submit(kind, {"message": "A question?", "topic": "other"} | fields, Screening())
    return workflow.find(receipt.code)


def test_sanitize_answer_keeps_simple_markup_and_drops_the_rest():
    html = answers.sanitize_answer(
        "**Bold** and *soft*. <script>alert(1)</script><img src=x onerror=alert(1)>\n\n"
        "- [a page](/faq)\n- [bad](javascript:alert(1))\n\n"
        "<iframe src='https://x'></iframe><p style='color:red'>p</p>"
    )
    assert "<strong>Bold</strong>" in html and "<em>soft</em>" in html
    assert '<a href="/faq" rel="noopener noreferrer">a page</a>' in html
    for bad in ("<script", "alert(1)</script", "<img", "onerror", "javascript:", "<iframe", "style="):
        assert bad not in html
    assert answers.sanitize_answer("") == ""


def test_slugify():
    assert answers.slugify("Does LEAD® work? Ça va!") == "does-lead-work-ca-va"
    assert answers.slugify("???") == "question"
    assert len(answers.slugify("word " * 50)) <= answers.SLUG_MAX


def test_transitions_follow_the_state_machine(qapp):
    with qapp.test_request_context():
        item = new_item()
        assert item.status == choices.RECEIVED and item.closed_on is None
        item = workflow.start_review(item, "sam")
        assert (item.status, item.handled_by) == (choices.REVIEWING, "sam")
        assert workflow.mark_discussed([item], datetime.date(2026, 11, 20)) == 1
        item = Submission.get_by_id(item.id)
        assert (item.status, item.meeting_on) == (choices.DISCUSSED, datetime.date(2026, 11, 20))
        item = workflow.close(item, "sam")
        assert item.status == choices.CLOSED and item.closed_on is not None
        with pytest.raises(workflow.WorkflowError):
            workflow.reply_privately(item, "Too late", "sam")
        item = workflow.reopen(item, "lee")
        assert item.status == choices.REVIEWING and item.closed_on is None


def test_member_objects_are_recorded_by_username(qapp):
    class Member:
        username = "clt-jo"

    with qapp.test_request_context():
        item = workflow.start_review(new_item(), Member())
    assert item.handled_by == "clt-jo"


def test_feedback_and_join_can_never_be_published(qapp):
    with qapp.test_request_context():
        for kind in ("feedback", "join"):
            item = new_item(kind)
            with pytest.raises(workflow.WorkflowError, match="Only questions"):
                workflow.publish_answer(item, "Q?", "A.", "other", "sam")
        assert Answer.select().count() == 0  # the transaction rolled back with the error


def test_publish_answer_validates_and_sanitises(qapp):
    with qapp.test_request_context():
        item = new_item()
        with pytest.raises(workflow.WorkflowError, match="empty"):
            workflow.publish_answer(item, "  ", "A.", "other")
        with pytest.raises(workflow.WorkflowError, match="Unknown topic"):
            workflow.publish_answer(item, "Q?", "A.", "nope")
        answer = workflow.publish_answer(item, "Is it safe?", "Yes.<script>x()</script>", "safety", "sam")
        assert "<script" not in answer.answer_html and answer.slug == "is-it-safe"
        item = Submission.get_by_id(item.id)
        assert item.status == choices.ANSWERED and item.answer_id == answer.id and item.closed_on


def test_answer_without_a_submission_and_repeat_questions(qapp):
    with qapp.test_request_context():
        answer = workflow.publish_answer(None, "Raised at a meeting?", "Answered.", "clt", "sam")
        twin = workflow.link_to_answer(new_item(), answer, "sam")
        assert twin.status == choices.ANSWERED and twin.answer_id == answer.id


def test_update_and_unpublish_answer(qapp):
    with qapp.test_request_context():
        item = new_item()
        answer = workflow.publish_answer(item, "First wording?", "A.", "other", "sam")
        old_path = answer.path
        answer = workflow.update_answer(answer, "Better wording?", "B.", "clt", "lee")
        assert answer.updated_on and answer.topic == "clt" and answer.path != old_path
        assert workflow.unpublish_answer(answer, "lee") == 1
        assert Answer.select().count() == 0
        item = Submission.get_by_id(item.id)
        assert item.status == choices.REVIEWING and item.answer_id is None


def test_hide_needs_a_reason(qapp):
    with qapp.test_request_context():
        item = new_item()
        with pytest.raises(workflow.WorkflowError):
            workflow.hide(item, "", "sam")
        item = workflow.hide(item, "advertising", "sam")
        assert item.status == choices.HIDDEN and item.hidden_reason == "advertising"
        assert workflow.start_review(item).hidden_reason is None


def test_a_withdrawn_item_cannot_be_changed(qapp):
    with qapp.test_request_context():
        receipt = submit("question", {"message": "Q", "topic": "other"}, Screening())
        item = workflow.find(receipt.code)
        assert workflow.withdraw(receipt.code)
        with pytest.raises(workflow.WorkflowError, match="withdrawn"):
            workflow.close(item)
        assert not workflow.withdraw(receipt.code)
        assert not workflow.withdraw("not a code")


def test_named_queries(qapp):
    with qapp.test_request_context():
        first, second = new_item(), new_item("feedback")
        third = submit("feedback", {"message": "x", "topic": "other"}, Screening(("phone",), True))
        workflow.close(second)
        assert [i.id for i in Submission.awaiting_review()] == [first.id, workflow.find(third.code).id]
        assert [i.kind for i in Submission.flagged()] == ["feedback"]
        assert Submission.of_kind("question").count() == 1


def test_private_reply_is_mailed_over_smtp(mail_app, smtp_server):
    with mail_app.test_request_context():
        item = new_item("feedback", email="person@example.org")
        assert workflow.reply_privately(item, "Thank you — we will raise it.", "sam") is True
    [message] = smtp_server.messages
    assert message["To"] == "person@example.org"
    assert message["Subject"] == "A reply from the Albany LEAD CLT"
    body = message.get_content()
    assert "Thank you — we will raise it." in body
    assert "http://127.0.0.1:5000/status" in body and "90 days" in body
    assert "A question?" not in body  # the person's own message is not sent back over email


def test_public_answer_link_is_mailed_over_smtp(mail_app, smtp_server):
    with mail_app.test_request_context():
        item = new_item(email="asker@example.org")
        answer = workflow.publish_answer(item, "Edited?", "Answer.", "other", "sam")
    [message] = smtp_server.messages
    assert message["To"] == "asker@example.org"
    assert f"http://127.0.0.1:5000{answer.path}" in message.get_content()


def test_no_email_no_mail_and_a_mail_failure_keeps_the_reply(database_url, smtp_server):
    app = make_app(database_url, MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=1)
    with app.test_request_context():
        assert workflow.reply_privately(new_item(), "Hello", "sam") is False
        item = new_item(email="x@example.org")
        assert workflow.reply_privately(item, "Hello again", "sam") is False  # SMTP refused
        assert Submission.get_by_id(item.id).reply_text == "Hello again"
    assert smtp_server.messages == []
