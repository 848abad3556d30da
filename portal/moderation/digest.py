"""The daily digest email for moderators who opted in: counts and a link, never what anyone wrote.

`flask moderation digest` is safe to run from cron as often as you like: the counting, the
marking of what was counted and the log of the run happen in one transaction (on SQLite the
write lock is taken first), so two runs at once cannot both report the same items, and a run
with nothing new sends nothing.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from peewee import chunked

from .. import mail
from ..accounts import audit
from ..accounts.models import Member
from ..db import writing
from ..questions import choices
from ..questions.models import Submission
from .models import DigestedItem, DigestRun, DigestSubscription
from .queue import OPEN_STATES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    """What a digest reports: numbers only."""

    new: int
    questions: int
    feedback: int
    joins: int
    crisis: int
    personal: int
    open_total: int


def set_subscription(member: Member, on: bool) -> bool:
    """Turn the digest on or off for a member; return True when that changed anything."""
    with writing():
        exists = DigestSubscription.is_on(member.id)
        if exists == on:
            return False
        if on:
            DigestSubscription.create(member=member.id)
        else:
            DigestSubscription.delete().where(DigestSubscription.member == member.id).execute()
        action = "digest.subscribed" if on else "digest.unsubscribed"
        audit.record(action, target=f"member:{member.id}", member=member)
    return True


def recipients() -> list[Member]:
    """Return the active moderators who asked for the digest."""
    query = (
        Member.select()
        .join(DigestSubscription, on=(DigestSubscription.member == Member.id))
        .where(Member.active == True)  # noqa: E712 (peewee expression)
        .order_by(Member.id)
    )
    return [member for member in query if member.holds("moderator")]


def _undigested():
    return Submission.select().where(Submission.id.not_in(DigestedItem.select(DigestedItem.submission)))


def count_new() -> Counts:
    """Count the items that arrived since the last digest and are still waiting (status 'received')."""
    new = list(
        _undigested()
        .where(Submission.status == choices.RECEIVED)
        .select(Submission.kind, Submission.flag_crisis, Submission.flag_personal)
        .tuples()
    )
    return Counts(
        new=len(new),
        questions=sum(1 for kind, *_ in new if kind == choices.QUESTION),
        feedback=sum(1 for kind, *_ in new if kind == choices.FEEDBACK),
        joins=sum(1 for kind, *_ in new if kind == choices.JOIN),
        crisis=sum(1 for _kind, crisis, _personal in new if crisis),
        personal=sum(1 for _kind, _crisis, personal in new if personal),
        open_total=Submission.select().where(Submission.status.in_(OPEN_STATES)).count(),
    )


def body(counts: Counts, site_url: str) -> str:
    """Return the digest's text: numbers and links only."""
    queue = site_url.rstrip("/") + "/workspace/moderation/"
    lines = [
        _("New since the last digest: %(num)d.", num=counts.new),
        _("Questions: %(num)d", num=counts.questions),
        _("Feedback: %(num)d", num=counts.feedback),
        _("Requests to join the CLT: %(num)d", num=counts.joins),
        "",
        _("Flagged as a possible crisis: %(num)d", num=counts.crisis),
        _("Flagged for possible personal details: %(num)d", num=counts.personal),
        _("Open items in the queue altogether: %(num)d", num=counts.open_total),
        "",
        _(
            "Open the queue (you will be asked to sign in): %(url)s",
            url=queue + "?state=received&flag=unseen",
        ),
        "",
        _(
            "You get this email because you asked for the daily digest. Turn it off here: %(url)s",
            url=queue + "digest",
        ),
    ]
    return "\n".join(lines) + "\n"


def run() -> tuple[int, int]:
    """Send one digest if anything is new; return (new items, emails sent)."""
    with writing():
        people = recipients()
        if not people:
            return 0, 0
        counts = count_new()
        undigested = [row.id for row in _undigested().select(Submission.id)]
        for batch in chunked(undigested, 500):
            DigestedItem.insert_many([(i,) for i in batch], fields=[DigestedItem.submission]).execute()
        if not counts.new:
            return 0, 0
        DigestRun.create(new_items=counts.new, recipients=len(people))
        audit.record(
            "digest.sent", target="digest", reason=f"{counts.new} new items, {len(people)} recipients"
        )
    text = body(counts, current_app.config["SITE_URL"])
    subject = _("Albany LEAD CLT: %(num)d new items to review", num=counts.new)
    sent = sum(1 for person in people if mail.send(person.email, subject, text))
    log.info("digest: %d new items, %d of %d emails sent", counts.new, sent, len(people))
    return counts.new, sent
