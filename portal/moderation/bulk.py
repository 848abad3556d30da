"""The queue's bulk actions: one transaction for the lot, one savepoint and one audit entry per item.

An item whose state does not allow the action (already closed, say) is skipped and counted;
the others still go through. Marking as reviewed never reopens a finished item.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..accounts.models import Member
from ..db import writing
from ..questions import workflow
from ..questions.models import Submission
from . import actions, hiding

REVIEW, CLOSE, SPAM, ASSIGN = "review", "close", "spam", "assign"
ACTIONS = (
    (REVIEW, _l("Mark as being reviewed")),
    (CLOSE, _l("Close")),
    (SPAM, _l("Hide as spam")),
    (ASSIGN, _l("Assign to…")),
)
MAX_ITEMS = 200


@dataclass(frozen=True)
class Outcome:
    """How many items the action changed and how many it left as they were."""

    done: int
    skipped: int


def _one(action: str, item: Submission, member: Member, assignee: Member | None) -> None:
    if action == REVIEW:
        if item.status in workflow.FINISHED:
            # Reopening a closed, answered or hidden item is a choice made on its own page,
            # never the side effect of a tick in a long list.
            raise actions.WorkflowError("A finished item is reopened from its own page.")
        actions.start_review(item, member)
    elif action == CLOSE:
        actions.close(item, member)
    elif action == SPAM:
        actions.hide(item, hiding.SPAM, "", member)
    elif action == ASSIGN:
        actions.assign(item, assignee, member)
    else:
        raise ValueError(f"unknown bulk action {action!r}")


def apply(action: str, ids: list[int], member: Member, assignee: Member | None = None) -> Outcome:
    """Apply one action to many items; return how many changed and how many were skipped."""
    ids = list(dict.fromkeys(ids))[:MAX_ITEMS]
    done = 0
    with writing():
        items = list(Submission.select().where(Submission.id.in_(ids)).order_by(Submission.id))
        for item in items:
            try:
                with writing():  # a savepoint: a refused item leaves no audit entry behind
                    _one(action, item, member, assignee)
            except actions.WorkflowError:
                continue
            done += 1
    return Outcome(done=done, skipped=len(ids) - done)
