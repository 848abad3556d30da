"""The daily digest through a real SMTP server: counts and links only, and only when something is new."""

import pytest

from portal.accounts.audit import AuditEntry
from portal.moderation import digest
from tests.accounts_helpers import make_member
from tests.test_moderation_support import audit_rows, new_item, signed_in_moderator

SECRET_WORDS = "my neighbour Pat on Elm Street"


@pytest.fixture
def people(mail_app):
    """Opted in: a moderator, an organizer and a deactivated moderator; one moderator not opted in."""
    keen = make_member("keen@example.org", roles=("moderator",))
    make_member("quiet@example.org", roles=("moderator",))
    organizer = make_member("org@example.org", roles=("organizer",))
    gone = make_member("gone@example.org", roles=("moderator",), active=False)
    with mail_app.app_context():
        for member in (keen, organizer, gone):
            digest.set_subscription(member, True)
    return keen


def run(app):
    result = app.test_cli_runner().invoke(args=["moderation", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


def test_digest_goes_once_to_opted_in_moderators_with_counts_only(mail_app, smtp_server, people):
    new_item(mail_app, message=f"Question about {SECRET_WORDS}", email="asker@example.org", flag_crisis=True)
    new_item(
        mail_app,
        kind="join",
        message="Let me in",
        topic="clt",
        name="Jo Doe",
        email="jo@example.org",
        phone="518-555-0199",
    )
    new_item(mail_app, message="Already handled", status="closed")

    assert run(mail_app) == "New items: 2. Digests sent: 1.\n"
    assert [m["To"] for m in smtp_server.messages] == ["keen@example.org"]
    message = smtp_server.messages[0]
    body = message.get_content()
    assert message["Subject"] == "Albany LEAD CLT: 2 new items to review"
    assert (
        "New since the last digest: 2." in body
        and "Questions: 1" in body
        and "Requests to join the CLT: 1" in body
    )
    assert "Flagged as a possible crisis: 1" in body
    assert "http://127.0.0.1:5000/workspace/moderation/?state=received&flag=unseen" in body
    for private in (
        SECRET_WORDS,
        "asker@example.org",
        "Jo Doe",
        "jo@example.org",
        "518-555-0199",
        "Let me in",
        "Already handled",
    ):
        assert private not in body

    # Nothing new since: nothing sent, however often cron runs it.
    assert run(mail_app) == "New items: 0. Digests sent: 0.\n"
    assert run(mail_app) == "New items: 0. Digests sent: 0.\n"
    assert len(smtp_server.messages) == 1

    new_item(mail_app, kind="feedback", message="One more")
    assert run(mail_app) == "New items: 1. Digests sent: 1.\n"
    assert len(smtp_server.messages) == 2
    assert "New since the last digest: 1." in smtp_server.messages[1].get_content()
    with mail_app.app_context():
        sent = [e.reason for e in AuditEntry.select().where(AuditEntry.action == "digest.sent")]
    assert sent == ["2 new items, 1 recipients", "1 new items, 1 recipients"]


def test_without_subscribers_nothing_is_sent_or_used_up(mail_app, smtp_server):
    new_item(mail_app, message="Waiting")
    assert run(mail_app) == "New items: 0. Digests sent: 0.\n"
    member = make_member("late@example.org", roles=("moderator",))
    with mail_app.app_context():
        digest.set_subscription(member, True)
    assert run(mail_app) == "New items: 1. Digests sent: 1.\n"
    assert len(smtp_server.messages) == 1


def test_the_opt_in_toggle_is_per_member_and_audited(mail_app, smtp_server):
    client = mail_app.test_client()
    member = signed_in_moderator(client, email="toggle@example.org")
    assert "The digest is off for you." in client.get("/workspace/moderation/digest").get_data(as_text=True)
    client.post("/workspace/moderation/digest", data={"turn_on": "y"})
    assert "The digest is on for you." in client.get("/workspace/moderation/digest").get_data(as_text=True)
    client.post("/workspace/moderation/digest", data={"turn_on": "y"})  # already on: no second entry
    client.post("/workspace/moderation/digest", data={"turn_off": "y"})
    assert "The digest is off for you." in client.get("/workspace/moderation/digest").get_data(as_text=True)
    assert audit_rows(mail_app) == [
        ("digest.subscribed", f"member:{member.id}", ""),
        ("digest.unsubscribed", f"member:{member.id}", ""),
    ]
    new_item(mail_app, message="Anyone?")
    assert run(mail_app) == "New items: 0. Digests sent: 0.\n"
    assert smtp_server.messages == []
