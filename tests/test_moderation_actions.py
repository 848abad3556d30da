"""Every action on one item: what it changes, its audit entry, and hostile text kept harmless."""

import re

import pytest

from portal.moderation.models import AnswerTemplate, Note
from portal.questions.models import Answer, Submission
from tests.accounts_helpers import make_member
from tests.test_moderation_support import (
    SCRIPT,
    assert_harmless,
    audit_rows,
    mod_app,
    new_item,
    reload,
    signed_in_moderator,
)

CODE = "maple-harbor-violet-candle-meadow-ribbon"


@pytest.fixture
def app(tmp_path, database_url):
    return mod_app(tmp_path, database_url)


@pytest.fixture
def client(app):
    client = app.test_client()
    signed_in_moderator(client, email="mod@example.org", name="Sam")
    return client


def item_url(item, action=""):
    return f"/workspace/moderation/items/{item.id}" + (f"/{action}" if action else "")


def moderation_audit(app):
    return [row for row in audit_rows(app) if not row[0].startswith(("member.", "sign"))]


def test_the_item_page_escapes_the_text_and_shows_flags_but_no_address(app, client):
    item = new_item(
        app,
        message=f"My number is 518-555-0100. {SCRIPT}",
        email="asker@example.org",
        flag_personal=True,
        personal_kinds="phone",
        flag_crisis=True,
    )
    page = client.get(item_url(item)).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert_harmless(page)
    assert "a phone number" in page and "Possible crisis" in page
    assert "asker@example.org" not in page  # a question's address is used, never shown
    assert "Given: a private reply is also emailed." in page


def test_a_join_request_shows_its_contact_details_to_moderators(app, client):
    item = new_item(
        app, kind="join", message="I'd like to help", topic="clt", name="Jo Doe", email="jo@example.org"
    )
    page = client.get(item_url(item)).get_data(as_text=True)
    assert "Jo Doe" in page and "mailto:jo@example.org" in page
    assert "Answer in public" not in page  # join requests are never published


def test_opening_an_item_marks_it_seen_for_that_member_only(app, client):
    item = new_item(app, message="Seen?")
    other = app.test_client()
    signed_in_moderator(other, email="other@example.org")
    assert 'class="mod-unseen"' in client.get("/workspace/moderation/").get_data(as_text=True)
    client.get(item_url(item))
    assert 'class="mod-unseen"' not in client.get("/workspace/moderation/").get_data(as_text=True)
    assert 'class="mod-unseen"' in other.get("/workspace/moderation/").get_data(as_text=True)
    assert moderation_audit(app) == []  # reading is not an action


def checksum_of(page: str) -> str:
    return re.search(r'name="publish-checksum" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_publishing_needs_a_preview_and_logs_the_redaction_without_its_text(app, client):
    item = new_item(
        app, message="I'm Jo Doe of 12 Elm Street. Is LEAD only for arrests?", email="jo@example.org"
    )
    form = {
        "publish-question": f"Is LEAD only for arrests? {SCRIPT}",
        "publish-answer": f"**No.** See [how it works](/how-it-works). {SCRIPT}",
        "publish-topic": "how-it-works",
    }
    preview = client.post(item_url(item, "publish"), data={**form, "publish-preview": "y"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview the public answer" in page
    assert "<strong>No.</strong>" in page
    assert_harmless(page)
    assert "You edited the question" in page
    with app.app_context():
        assert Answer.select().count() == 0

    # Publishing without the preview's checksum (or with changed text) only shows a new preview.
    again = client.post(item_url(item, "publish"), data={**form, "publish-publish": "y"})
    assert again.status_code == 200 and "nothing was published" in again.get_data(as_text=True)
    changed = {
        **form,
        "publish-answer": "Different",
        "publish-checksum": checksum_of(page),
        "publish-publish": "y",
    }
    assert "nothing was published" in client.post(item_url(item, "publish"), data=changed).get_data(
        as_text=True
    )
    with app.app_context():
        assert Answer.select().count() == 0

    done = client.post(
        item_url(item, "publish"),
        data={**form, "publish-checksum": checksum_of(page), "publish-publish": "y"},
    )
    assert done.status_code == 303
    stored = reload(app, item)
    with app.app_context():
        answer = Answer.get()
    assert stored.status == "answered" and stored.answer_id == answer.id
    assert answer.question_text == form["publish-question"] and "Elm Street" not in answer.question_text
    assert answer.published_by == "Sam"
    assert moderation_audit(app) == [
        ("question.published", f"submission:{item.id}", ""),
        ("question.redacted", f"submission:{item.id}", ""),
    ]
    # The public answer page shows both the question and the answer harmlessly.
    public = client.get(answer.path).get_data(as_text=True)
    assert "&lt;script&gt;" in public
    assert_harmless(public)
    assert "<strong>No.</strong>" in public


def test_publishing_the_question_as_written_records_no_redaction(app, client):
    item = new_item(app, message="Is LEAD  in Albany\nstill running?")
    form = {
        "publish-question": "Is LEAD in Albany still running?",
        "publish-answer": "Yes.",
        "publish-topic": "clt",
        "publish-preview": "y",
    }
    page = client.post(item_url(item, "publish"), data=form).get_data(as_text=True)
    assert "exactly as the person wrote it" in page
    del form["publish-preview"]
    client.post(
        item_url(item, "publish"),
        data={**form, "publish-checksum": checksum_of(page), "publish-publish": "y"},
    )
    assert [row[0] for row in moderation_audit(app)] == ["question.published"]


def test_feedback_cannot_be_published(app, client):
    item = new_item(app, kind="feedback", message="Private words")
    assert "Answer in public" not in client.get(item_url(item)).get_data(as_text=True)
    form = {
        "publish-question": "Q?",
        "publish-answer": "A.",
        "publish-topic": "other",
        "publish-preview": "y",
    }
    page = client.post(item_url(item, "publish"), data=form).get_data(as_text=True)
    checksum = checksum_of(page)
    del form["publish-preview"]
    response = client.post(
        item_url(item, "publish"), data={**form, "publish-checksum": checksum, "publish-publish": "y"}
    )
    assert response.status_code == 303
    assert "Only questions can be answered in public" in client.get(item_url(item)).get_data(as_text=True)
    with app.app_context():
        assert Answer.select().count() == 0
    assert moderation_audit(app) == []  # the refused change left no entry


def test_a_private_reply_reaches_the_status_page_escaped(app, client):
    item = new_item(app, message="Can you call me?", code=CODE)
    response = client.post(
        item_url(item, "reply"), data={"reply-text": f"We cannot call. {SCRIPT}", "reply-send": "y"}
    )
    assert response.status_code == 303
    assert reload(app, item).status == "replied"
    assert moderation_audit(app) == [("submission.replied", f"submission:{item.id}", "")]
    visitor = app.test_client()
    status = visitor.post("/status", data={"code": CODE}).get_data(as_text=True)
    assert "We cannot call." in status and "&lt;script&gt;" in status
    assert_harmless(status)


def test_an_empty_or_huge_reply_is_refused_with_a_message(app, client):
    item = new_item(app)
    empty = client.post(item_url(item, "reply"), data={"reply-text": "  ", "reply-send": "y"})
    assert empty.status_code == 400 and "Please write the reply." in empty.get_data(as_text=True)
    huge = client.post(item_url(item, "reply"), data={"reply-text": "x" * 6000, "reply-send": "y"})
    assert huge.status_code == 400 and "5000 characters or fewer" in huge.get_data(as_text=True)
    assert reload(app, item).status == "received" and moderation_audit(app) == []


def test_linking_a_repeat_question_to_an_answer(app, client):
    first = new_item(app, message="Original?")
    with app.app_context():
        from portal.questions import workflow

        answer = workflow.publish_answer(None, "Is it free?", "Yes.", "services", "sam")
    repeat = new_item(app, message="Is LEAD free?")
    assert "Is it free?" in client.get(item_url(repeat)).get_data(as_text=True)
    assert client.post(item_url(repeat, "link"), data={"link-answer": str(answer.id)}).status_code == 303
    assert reload(app, repeat).answer_id == answer.id and reload(app, repeat).status == "answered"
    assert reload(app, first).status == "received"
    assert moderation_audit(app) == [("submission.linked", f"submission:{repeat.id}", f"answer:{answer.id}")]
    bad = client.post(item_url(first, "link"), data={"link-answer": "999"})
    assert bad.status_code == 400 and "choose one of the options" in bad.get_data(as_text=True)


def test_topic_assignment_and_notes(app, client):
    item = new_item(app, message="Which topic?")
    other = make_member(email="b@example.org", roles=("moderator",), name="Bea")
    client.post(item_url(item, "topic"), data={"topic-topic": "results"})
    client.post(item_url(item, "topic"), data={"topic-topic": "results"})  # no change, no entry
    client.post(item_url(item, "assign"), data={"assign-member": str(other.id)})
    client.post(item_url(item, "notes"), data={"note-text": f"Call back? {SCRIPT}"})
    client.post(item_url(item, "assign"), data={"assign-member": ""})
    assert reload(app, item).topic == "results"
    target = f"submission:{item.id}"
    assert moderation_audit(app) == [
        ("submission.topic", target, "other -> results"),
        ("submission.assigned", target, "to b@example.org"),
        ("submission.noted", target, ""),
        ("submission.unassigned", target, ""),
    ]
    page = client.get(item_url(item)).get_data(as_text=True)
    assert "Call back? &lt;script&gt;" in page
    assert_harmless(page)
    with app.app_context():
        note = Note.get()
        with pytest.raises(RuntimeError):
            note.text = "changed"
            note.save()
        with pytest.raises(RuntimeError):
            Note.update(text="changed").execute()
        with pytest.raises(RuntimeError):
            note.delete_instance()
    assert client.post(item_url(item, "notes"), data={"note-text": "x" * 2500}).status_code == 400


def test_assigned_to_me_filter(app, client):
    item = new_item(app, message="For Bea")
    new_item(app, message="For nobody")
    bea_client = app.test_client()
    bea = signed_in_moderator(bea_client, email="bea@example.org")
    client.post(item_url(item, "assign"), data={"assign-member": str(bea.id)})
    mine = bea_client.get("/workspace/moderation/?flag=mine").get_data(as_text=True)
    assert "For Bea" in mine and "For nobody" not in mine


def test_hide_spam_close_reopen_and_review_are_each_logged(app, client):
    a, b, c = new_item(app, message="A"), new_item(app, message="B"), new_item(app, message="C")
    client.post(item_url(a, "hide"), data={"hide-reason": "abuse", "hide-detail": "rude words"})
    client.post(item_url(b, "spam"))
    client.post(item_url(c, "review"))
    client.post(item_url(c, "close"))
    client.post(item_url(c, "reopen"))
    assert (reload(app, a).status, reload(app, a).hidden_reason) == ("hidden", "abuse: rude words")
    assert (reload(app, b).status, reload(app, b).hidden_reason) == ("hidden", "spam")
    assert reload(app, c).status == "reviewing"
    assert moderation_audit(app) == [
        ("submission.hidden", f"submission:{a.id}", "abuse: rude words"),
        ("submission.spam", f"submission:{b.id}", "spam"),
        ("submission.reviewing", f"submission:{c.id}", ""),
        ("submission.closed", f"submission:{c.id}", ""),
        ("submission.reopened", f"submission:{c.id}", ""),
    ]
    # A move the state machine refuses is explained and leaves no entry.
    response = client.post(item_url(c, "review"))
    assert response.status_code == 303
    assert "cannot become" in client.get(item_url(c)).get_data(as_text=True)
    assert len(moderation_audit(app)) == 5
    bad = client.post(item_url(a, "hide"), data={"hide-reason": "because"})
    assert bad.status_code == 400


def test_answer_templates_crud_and_use(app, client):
    response = client.post(
        "/workspace/moderation/templates/new", data={"title": "Thanks", "body": "Thank **you**."}
    )
    assert response.status_code == 303
    with app.app_context():
        template = AnswerTemplate.get()
    client.post(
        f"/workspace/moderation/templates/{template.id}/edit", data={"title": "Thanks!", "body": "Thank you."}
    )
    item = new_item(app, message="Hello?")
    used = client.post(
        item_url(item, "publish"),
        data={
            "publish-question": "Hello?",
            "publish-answer": "",
            "publish-template": str(template.id),
            "publish-use_template": "y",
            "publish-topic": "other",
        },
    )
    assert used.status_code == 200 and "\nThank you.</textarea>" in used.get_data(as_text=True)
    reply = client.post(
        item_url(item, "reply"),
        data={"reply-text": "Hi.", "reply-template": str(template.id), "reply-use_template": "y"},
    )
    assert "Hi.\n\nThank you.</textarea>" in reply.get_data(as_text=True)
    assert reload(app, item).status == "received"
    client.post(f"/workspace/moderation/templates/{template.id}/delete")
    with app.app_context():
        assert AnswerTemplate.select().count() == 0
    target = f"answer-template:{template.id}"
    assert moderation_audit(app) == [
        ("template.created", target, "Thanks"),
        ("template.changed", target, "Thanks!"),
        ("template.deleted", target, "Thanks!"),
    ]
    empty = client.post("/workspace/moderation/templates/new", data={"title": "", "body": ""})
    assert empty.status_code == 400 and "Please give the template a title." in empty.get_data(as_text=True)


def test_a_withdrawn_item_is_gone_from_the_workspace(app, client):
    item = new_item(app, message="Soon gone")
    client.post(item_url(item, "notes"), data={"note-text": "a note"})
    with app.app_context():
        Submission.delete().where(Submission.id == item.id).execute()
        assert Note.select().count() == 0  # notes go with it
    assert client.get(item_url(item)).status_code == 404
    assert client.post(item_url(item, "close")).status_code == 404


def test_reply_and_answer_are_emailed_only_to_people_who_gave_an_address(mail_app, smtp_server):
    client = mail_app.test_client()
    signed_in_moderator(client)
    with_address = new_item(mail_app, message="Reply to me", email="asker@example.org")
    without = new_item(mail_app, message="No address")
    client.post(item_url(with_address, "reply"), data={"reply-text": "Here is our reply.", "reply-send": "y"})
    client.post(
        item_url(without, "reply"), data={"reply-text": "Read this with your code.", "reply-send": "y"}
    )
    assert [m["To"] for m in smtp_server.messages] == ["asker@example.org"]
    assert "Here is our reply." in smtp_server.messages[0].get_content()
    asked = new_item(mail_app, message="Answer me in public", email="public@example.org")
    form = {"publish-question": "Answer me in public?", "publish-answer": "Done.", "publish-topic": "other"}
    page = client.post(item_url(asked, "publish"), data={**form, "publish-preview": "y"}).get_data(
        as_text=True
    )
    client.post(
        item_url(asked, "publish"),
        data={**form, "publish-checksum": checksum_of(page), "publish-publish": "y"},
    )
    assert smtp_server.messages[-1]["To"] == "public@example.org"
    assert "/answers/" in smtp_server.messages[-1].get_content()


def test_demo_templates_are_added_once(app):
    from portal.moderation import seed_demo

    with app.app_context():
        assert seed_demo() is True
        assert seed_demo() is False
        assert AnswerTemplate.select().count() == 2


def test_every_email_from_an_action_goes_out_after_its_commit(app, monkeypatch):
    from portal import db, mail
    from portal.moderation import actions

    moments = []
    monkeypatch.setattr(
        mail, "send", lambda to, subject, body: moments.append(db.db.in_transaction()) or True
    )
    member = make_member("steward@example.org", roles=("moderator",))
    replied, answered, repeat = (new_item(app, message=f"Item {n}", email="p@example.org") for n in range(3))
    with app.app_context():
        assert actions.reply(replied, "Thanks.", member) is True
        answer = actions.publish(answered, "Is it free?", "Yes.", "services", member)
        actions.link(repeat, answer, member)
    assert moments == [False, False, False]
    statuses = [reload(app, item).status for item in (replied, answered, repeat)]
    assert statuses == ["replied", "answered", "answered"]
