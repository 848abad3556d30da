"""What a moderator does to one item; each change and its audit entry commit together.

The questions workflow runs its own transactions; these functions open the outer one, write
the audit entry first, then call the workflow (peewee makes its transaction a savepoint). Email
goes out only after the outer commit, so a failed commit never leaves a person told about a
change that did not happen.
"""

from flask_babel import gettext as _

from ..accounts import audit
from ..accounts.models import Member
from ..db import writing
from ..questions import choices, workflow
from ..questions.models import Answer, Submission
from . import hiding
from .models import NOTE_MAX, Assignment, Note, Seen

WorkflowError = workflow.WorkflowError


def target(item: Submission | int) -> str:
    """Return the audit target naming an item."""
    return f"submission:{getattr(item, 'id', item)}"


def who(member: Member | None) -> str | None:
    """Return how the workflow records a member (their name, or their address if they have none)."""
    return (member.name or member.email) if member else None


def _record(action: str, item, member, reason: str = "") -> None:
    audit.record(action, target=target(item), reason=reason, member=member)


def mark_seen(item: Submission, member: Member) -> None:
    """Note that this member has opened the item (no audit entry: reading changes nothing)."""
    with writing():
        Seen.insert(member=member.id, submission=item.id).on_conflict_ignore().execute()


def start_review(item: Submission, member: Member) -> Submission:
    """Mark an item as being reviewed."""
    with writing():
        _record("submission.reviewing", item, member)
        return workflow.start_review(item, who(member))


def close(item: Submission, member: Member) -> Submission:
    """Close an item without a (further) reply."""
    with writing():
        _record("submission.closed", item, member)
        return workflow.close(item, who(member))


def reopen(item: Submission, member: Member) -> Submission:
    """Send a finished or hidden item back to review."""
    with writing():
        _record("submission.reopened", item, member)
        return workflow.reopen(item, who(member))


def hide(item: Submission, category: str, detail: str, member: Member) -> Submission:
    """Hide an item for a reason; the sender's status page just says 'closed'."""
    reason = hiding.stored_reason(category, detail)
    action = "submission.spam" if category == hiding.SPAM else "submission.hidden"
    with writing():
        _record(action, item, member, reason)
        return workflow.hide(item, reason, who(member))


def is_redacted(original: str, edited: str) -> bool:
    """Tell whether the question to publish differs from what the person wrote (spacing aside)."""
    return " ".join((original or "").split()) != " ".join((edited or "").split())


def publish(item: Submission, question: str, answer_markdown: str, topic: str, member: Member) -> Answer:
    """Publish the edited question with its answer; log the redaction (never the removed words)."""
    with writing():
        _record("question.published", item, member)
        if is_redacted(item.message, question):
            _record("question.redacted", item, member)
        answer, item = workflow.save_answer(item, question, answer_markdown, topic, who(member))
    workflow.tell_answered(item, answer)
    return answer


def reply(item: Submission, text: str, member: Member) -> bool:
    """Send a private reply; return True if it was also emailed."""
    with writing():
        _record("submission.replied", item, member)
        item = workflow.save_reply(item, text, who(member))
    return workflow.email_reply(item)


def link(item: Submission, answer: Answer, member: Member) -> Submission:
    """Mark a question as a repeat of one already answered."""
    with writing():
        _record("submission.linked", item, member, f"answer:{answer.id}")
        item = workflow.save_link(item, answer, who(member))
    workflow.tell_answered(item, answer)
    return item


def set_topic(item: Submission, topic: str, member: Member) -> bool:
    """Change an item's topic; return False when it already had it."""
    if topic not in choices.TOPIC_KEYS:
        raise WorkflowError(f"Unknown topic '{topic}'.")
    with writing():
        current = Submission.get_or_none(Submission.id == item.id)
        if current is None:
            raise WorkflowError("This item no longer exists; the person may have withdrawn it.")
        if current.topic == topic:
            return False
        _record("submission.topic", item, member, f"{current.topic} -> {topic}")
        Submission.update(topic=topic).where(Submission.id == item.id).execute()
    return True


def assign(item: Submission, assignee: Member | None, member: Member) -> None:
    """Give an item to a member, or to nobody."""
    with writing():
        if not Submission.select().where(Submission.id == item.id).exists():
            raise WorkflowError("This item no longer exists; the person may have withdrawn it.")
        Assignment.delete().where(Assignment.submission == item.id).execute()
        if assignee is None:
            _record("submission.unassigned", item, member)
            return
        _record("submission.assigned", item, member, f"to {assignee.email}")
        Assignment.create(submission=item.id, member=assignee.id)


def add_note(item: Submission, text: str, member: Member) -> Note:
    """Append an internal note (the audit entry says a note was added, not what it says)."""
    text = (text or "").strip()
    if not text or len(text) > NOTE_MAX:
        raise WorkflowError(f"A note needs 1 to {NOTE_MAX} characters.")
    with writing():
        if not Submission.select().where(Submission.id == item.id).exists():
            raise WorkflowError("This item no longer exists; the person may have withdrawn it.")
        _record("submission.noted", item, member)
        return Note.create(submission=item.id, member=member.id, author=member.email, text=text)


def mark_discussed(items: list[Submission], on, member: Member) -> int:
    """Record that items were discussed at the CLT meeting on a date; return how many."""
    with writing():
        for item in items:
            _record("submission.discussed", item, member, on.isoformat())
        return workflow.mark_discussed(items, on=on, member=who(member))


def assignable_members() -> list[Member]:
    """Return the active members who moderate, by name."""
    members = Member.select().where(Member.active == True).order_by(Member.name, Member.email)  # noqa: E712
    return [m for m in members if m.holds("moderator")]


def assignee_pairs() -> list[tuple[str, str]]:
    """Return the choices for 'assign to': nobody, then every active moderator."""
    return [("", _("Nobody"))] + [(str(m.id), m.name or m.email) for m in assignable_members()]
