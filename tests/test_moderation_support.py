"""Helpers shared by the moderation tests (and a check that they build what they say)."""

import re

from portal.accounts.audit import AuditEntry
from portal.db import writing
from portal.questions import receipts
from portal.questions.models import Submission
from tests.accounts_helpers import csrf_token, make_member, sign_in
from tests.conftest import make_app


def mod_app(tmp_path, database_url, **overrides):
    """An app whose mail goes to a temporary outbox."""
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox", **overrides)


def new_item(
    app, kind="question", message="Does LEAD work?", topic="other", code=None, **fields
) -> Submission:
    """Store a submission as the intake would (returns it; the receipt code is the `code` argument)."""
    with app.app_context():
        digest = receipts.keyed_hash(code or receipts.new_code(), app.config["SECRET_KEY"])
        with writing():
            return Submission.create(kind=kind, message=message, topic=topic, receipt_hash=digest, **fields)


def reload(app, item) -> Submission:
    with app.app_context():
        return Submission.get_by_id(item.id)


def signed_in_moderator(client, email="mod@example.org", name="", roles=("moderator",)):
    member = make_member(email=email, roles=roles, name=name)
    sign_in(client, member)
    return member


def audit_rows(app) -> list[tuple[str, str, str]]:
    """Return every audit entry as (action, target, reason), oldest first."""
    with app.app_context():
        return [(e.action, e.target, e.reason) for e in AuditEntry.select().order_by(AuditEntry.id)]


def post_with_token(client, page_url: str, url: str, data: dict):
    """POST as a browser would: with the CSRF token of the page the form is on."""
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token} if token else data)


def test_new_item_stores_a_submission(tmp_path, database_url):
    app = mod_app(tmp_path, database_url)
    item = new_item(app, kind="feedback", message="Hello", email="a@example.org")
    stored = reload(app, item)
    assert (stored.kind, stored.message, stored.email, stored.status) == (
        "feedback",
        "Hello",
        "a@example.org",
        "received",
    )


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(2)>'
_LIVE_HANDLER = re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)


def assert_harmless(page: str) -> None:
    """Fail if the SCRIPT payload (or any event-handler attribute) reached the page as markup."""
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert not _LIVE_HANDLER.search(page)
