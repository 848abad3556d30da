"""What can happen to a submission after it arrives: the state machine the CLT workspace drives.

Every function here runs its writes in one transaction and sends any email only after the
commit. Callers that wrap a change in a larger transaction (moderation adds an audit entry) use
the save_* functions inside it and email_reply / tell_answered after it. `member` is whoever in
the CLT made the change: any object with a `username` or `name` attribute, or a string; it is
recorded as `handled_by` / `published_by`.

States (choices.py): received → reviewing → discussed → answered | replied | closed | hidden.
An item is *finished* when it is answered, replied to, closed or hidden; `closed_on` holds that
date and starts the email-retention clock (retention.py). Reopening clears it.
"""

import datetime
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from .. import mail
from ..db import writing
from . import answers, choices, receipts
from .models import QUESTION_TEXT_MAX, Answer, Submission, today

log = logging.getLogger(__name__)

R, V, D, A, P, C, H = (
    choices.RECEIVED,
    choices.REVIEWING,
    choices.DISCUSSED,
    choices.ANSWERED,
    choices.REPLIED,
    choices.CLOSED,
    choices.HIDDEN,
)
# Which state may follow which. Reopening a finished item sends it back to review.
TRANSITIONS = {
    R: {V, D, A, P, C, H},
    V: {D, A, P, C, H},
    D: {V, D, A, P, C, H},
    A: {V, D, A, P, C, H},
    P: {V, D, A, P, C, H},
    C: {V},
    H: {V},
}
FINISHED = {A, P, C, H}
# Moves that count as the CLT's first response to an item (hiding spam is not a response).
FIRST_RESPONSE = {V, A, P, C}
REPLY_MAX = 5000


class WorkflowError(ValueError):
    """A change the workflow does not allow; the message says why in plain words."""


@dataclass(frozen=True)
class ItemStatus:
    """What the person who sent an item may see about it on /status."""

    kind: str
    status: str  # hidden items read as closed: moderation is not announced
    message: str
    topic_label: str
    created_on: datetime.date
    status_on: datetime.date
    meeting_on: datetime.date | None
    reply_text: str | None
    replied_on: datetime.date | None
    answer_path: str | None
    answer_question: str | None
    has_email: bool


def _who(member) -> str | None:
    if member is None:
        return None
    name = getattr(member, "username", None) or getattr(member, "name", None) or str(member)
    return str(name)[:100]


def _move(item: Submission, to: str, member=None, **changes) -> Submission:
    """Change an item's state inside the caller's transaction, or raise WorkflowError."""
    if to not in TRANSITIONS.get(item.status, set()):
        raise WorkflowError(f"An item that is '{item.status}' cannot become '{to}'.")
    if to == A and item.kind != choices.QUESTION:
        raise WorkflowError(
            "Only questions can be answered in public; feedback and join requests stay private."
        )
    item.status, item.status_on, item.handled_by = to, today(), _who(member)
    item.closed_on = today() if to in FINISHED else None
    if to in FIRST_RESPONSE and item.first_response_on is None:
        item.first_response_on = today()
    if to not in (C, H):
        item.hidden_reason = None
    for name, value in changes.items():
        setattr(item, name, value)
    item.save()
    return item


def _fresh(item: Submission) -> Submission:
    """Re-read an item inside the transaction so a concurrent change is not overwritten."""
    found = Submission.get_or_none(Submission.id == item.id)
    if found is None:
        raise WorkflowError("This item no longer exists; the person may have withdrawn it.")
    return found


def _check_text(text: str, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"The {what} is empty.")
    if len(text) > limit:
        raise WorkflowError(f"The {what} is longer than {limit} characters.")
    return text


def _notify(email: str | None, subject: str, body: str) -> bool:
    """Email the person if they left an address; never raises."""
    if not email:
        return False
    return mail.send(email, subject, body)


def _site_url(path: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + path


def start_review(item: Submission, member=None) -> Submission:
    """Mark an item as being reviewed (also reopens a closed or hidden item)."""
    with writing():
        return _move(_fresh(item), V, member)


def mark_discussed(items, on: datetime.date, member=None) -> int:
    """Record that items were discussed at the CLT meeting on a date; return how many."""
    count = 0
    with writing():
        for item in items:
            _move(_fresh(item), D, member, meeting_on=on)
            count += 1
    return count


def save_reply(item: Submission, text: str, member=None) -> Submission:
    """Save a private reply the person can read on /status; email it with email_reply after the commit."""
    text = _check_text(text, REPLY_MAX, "reply")
    with writing():
        return _move(_fresh(item), P, member, reply_text=text, replied_on=today())


def email_reply(item: Submission) -> bool:
    """Email a saved reply to the person if they left an address; return True if it was sent."""
    body = _(
        "The Albany LEAD Community Leadership Team has replied to the message you sent on %(date)s.\n\n"
        "%(reply)s\n\n"
        "You can also read this reply at %(url)s with your receipt code.\n"
        "We delete your email address %(days)s days after we finish with your message.",
        date=item.created_on.isoformat(),
        reply=item.reply_text,
        url=_site_url("/status"),
        days=current_app.config["EMAIL_RETENTION_DAYS"],
    )
    return _notify(item.email, _("A reply from the Albany LEAD CLT"), body)


def reply_privately(item: Submission, text: str, member=None) -> bool:
    """Save a private reply, then email it; return True if an email was sent."""
    return email_reply(save_reply(item, text, member))


def save_answer(
    item: Submission | None, question_text: str, answer_markdown: str, topic: str, member=None
) -> tuple[Answer, Submission | None]:
    """Publish the CLT's edited question and Markdown answer (sanitised here) and link the item to it.

    `item` may be None for a question raised some other way (at a meeting, say). Returns the
    answer and the updated item; tell the person with tell_answered after the commit.
    """
    question_text = _check_text(question_text, QUESTION_TEXT_MAX, "question")
    html = answers.sanitize_answer(_check_text(answer_markdown, 20_000, "answer"))
    if topic not in choices.TOPIC_KEYS:
        raise WorkflowError(f"Unknown topic '{topic}'.")
    with writing():
        answer = Answer.create(
            slug=answers.slugify(question_text),
            question_text=question_text,
            answer_html=html,
            topic=topic,
            published_on=today(),
            published_by=_who(member),
        )
        if item is not None:
            item = _move(_fresh(item), A, member, answer=answer)
    return answer, item


def publish_answer(
    item: Submission | None, question_text: str, answer_markdown: str, topic: str, member=None
) -> Answer:
    """Save an answer as save_answer does, then email the person who asked if they left an address."""
    answer, item = save_answer(item, question_text, answer_markdown, topic, member)
    if item is not None:
        tell_answered(item, answer)
    return answer


def save_link(item: Submission, answer: Answer, member=None) -> Submission:
    """Mark a question as answered by an answer already published (for repeat questions)."""
    with writing():
        return _move(_fresh(item), A, member, answer=answer)


def link_to_answer(item: Submission, answer: Answer, member=None) -> Submission:
    """Save the link as save_link does, then email the person who asked if they left an address."""
    item = save_link(item, answer, member)
    tell_answered(item, answer)
    return item


def tell_answered(item: Submission, answer: Answer) -> bool:
    """Email the person who asked that their question has a public answer; call after the commit."""
    body = _(
        "The Albany LEAD Community Leadership Team has answered the question you sent on %(date)s.\n\n"
        "Read the answer here: %(url)s\n\n"
        "We removed anything that could show who asked.\n"
        "We delete your email address %(days)s days after we finish with your question.",
        date=item.created_on.isoformat(),
        url=_site_url(answer.path),
        days=current_app.config["EMAIL_RETENTION_DAYS"],
    )
    return _notify(item.email, _("Your question to the Albany LEAD CLT was answered"), body)


def update_answer(
    answer: Answer, question_text: str, answer_markdown: str, topic: str, member=None
) -> Answer:
    """Correct a published answer (the link keeps working: the id stays and old slugs redirect)."""
    question_text = _check_text(question_text, QUESTION_TEXT_MAX, "question")
    if topic not in choices.TOPIC_KEYS:
        raise WorkflowError(f"Unknown topic '{topic}'.")
    answer.question_text = question_text
    answer.answer_html = answers.sanitize_answer(_check_text(answer_markdown, 20_000, "answer"))
    answer.topic, answer.slug = topic, answers.slugify(question_text)
    answer.updated_on, answer.published_by = today(), _who(member) or answer.published_by
    with writing():
        answer.save()
    return answer


def unpublish_answer(answer: Answer, member=None) -> int:
    """Take an answer off the site; questions linked to it go back to review. Return how many."""
    with writing():
        linked = list(Submission.select().where(Submission.answer == answer.id))
        for item in linked:
            _move(item, V, member, answer=None)
        Answer.delete_by_id(answer.id)
    return len(linked)


def close(item: Submission, member=None) -> Submission:
    """Close an item with no (further) reply."""
    with writing():
        return _move(_fresh(item), C, member)


def hide(item: Submission, reason: str, member=None) -> Submission:
    """Hide spam or abuse from the queue; the sender's status page just says 'closed'."""
    reason = _check_text(reason, 200, "reason")
    with writing():
        return _move(_fresh(item), H, member, hidden_reason=reason)


def reopen(item: Submission, member=None) -> Submission:
    """Send a finished item back to review."""
    return start_review(item, member)


def find(code: str) -> Submission | None:
    """Return the item for a typed receipt code; wrong and malformed codes both give None."""
    receipt_hash = receipts.hash_typed(code, current_app.config["SECRET_KEY"])
    return Submission.by_receipt(receipt_hash) if receipt_hash else None


def status_for(code: str) -> ItemStatus | None:
    """Return what the holder of a receipt code may see, or None for a wrong or malformed code."""
    item = find(code)
    if item is None:
        return None
    answer = item.answer
    return ItemStatus(
        kind=item.kind,
        status=C if item.status == H else item.status,
        message=item.message,
        topic_label=str(item.topic_label),
        created_on=item.created_on,
        status_on=item.status_on,
        meeting_on=item.meeting_on,
        reply_text=item.reply_text,
        replied_on=item.replied_on,
        answer_path=answer.path if answer else None,
        answer_question=answer.question_text if answer else None,
        has_email=bool(item.email),
    )


def withdraw(code: str) -> bool:
    """Delete the item for a receipt code (a real DELETE); a public answer made from it stays."""
    receipt_hash = receipts.hash_typed(code, current_app.config["SECRET_KEY"])
    if not receipt_hash:
        return False
    with writing():
        deleted = Submission.delete().where(Submission.receipt_hash == receipt_hash).execute()
    if deleted:
        log.info("a submission was withdrawn")
    return bool(deleted)
