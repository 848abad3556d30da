"""The review queue: filters, message search, sorting, counts per state and pages, as plain functions."""

import datetime
import math
from dataclasses import dataclass, replace

from peewee import fn

from ..questions import choices
from ..questions.models import Submission
from ..questions.search import terms
from .models import Assignment, Seen

OPEN = "open"
ALL = "all"
OPEN_STATES = (choices.RECEIVED, choices.REVIEWING, choices.DISCUSSED)
STATES = (OPEN, ALL, *choices.STATUSES)
FLAGS = ("", "any", "crisis", "personal", "unseen", "mine", "unassigned")
SORTS = ("newest", "oldest", "flagged")
PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    """What the queue shows: every field narrows it; the defaults show all open items, newest first."""

    kind: str = ""
    topic: str = ""
    state: str = OPEN
    flag: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    q: str = ""
    sort: str = "newest"

    def as_args(self, **changes) -> dict:
        """Return the filters as query-string arguments (empty ones left out), with changes applied."""
        values = replace(self, **changes)
        args = {
            "kind": values.kind,
            "topic": values.topic,
            "state": values.state if values.state != OPEN else "",
            "flag": values.flag,
            "since": values.since.isoformat() if values.since else "",
            "until": values.until.isoformat() if values.until else "",
            "q": values.q,
            "sort": values.sort if values.sort != "newest" else "",
        }
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class Page:
    """One page of the queue."""

    items: list
    total: int
    number: int
    pages: int


def _narrowed(query, filters: Filters, member_id: int):
    """Apply every filter except the state."""
    if filters.kind:
        query = query.where(Submission.kind == filters.kind)
    if filters.topic:
        query = query.where(Submission.topic == filters.topic)
    if filters.since:
        query = query.where(Submission.created_on >= filters.since)
    if filters.until:
        query = query.where(Submission.created_on <= filters.until)
    for word in terms(filters.q):
        # peewee escapes % and _ in contains(); every word must appear somewhere in the message.
        query = query.where(Submission.message.contains(word))
    return _flagged(query, filters.flag, member_id)


def _flagged(query, flag: str, member_id: int):
    if flag == "any":
        return query.where(Submission.flag_crisis | Submission.flag_personal)
    if flag == "crisis":
        return query.where(Submission.flag_crisis == True)  # noqa: E712 (peewee expression)
    if flag == "personal":
        return query.where(Submission.flag_personal == True)  # noqa: E712 (peewee expression)
    if flag == "unseen":
        return query.where(Submission.id.not_in(Seen.select(Seen.submission).where(Seen.member == member_id)))
    if flag == "mine":
        mine = Assignment.select(Assignment.submission).where(Assignment.member == member_id)
        return query.where(Submission.id.in_(mine))
    if flag == "unassigned":
        return query.where(Submission.id.not_in(Assignment.select(Assignment.submission)))
    return query


def _in_state(query, state: str):
    if state == OPEN:
        return query.where(Submission.status.in_(OPEN_STATES))
    if state in choices.STATUSES:
        return query.where(Submission.status == state)
    return query


def _sorted(query, sort: str):
    if sort == "oldest":
        return query.order_by(Submission.created_on, Submission.id)
    if sort == "flagged":
        return query.order_by(
            Submission.flag_crisis.desc(),
            Submission.flag_personal.desc(),
            Submission.created_on.desc(),
            Submission.id.desc(),
        )
    return query.order_by(Submission.created_on.desc(), Submission.id.desc())


def matching(filters: Filters, member_id: int):
    """Return the items the filters select, in the chosen order."""
    query = _narrowed(Submission.select(), filters, member_id)
    return _sorted(_in_state(query, filters.state), filters.sort)


def state_counts(filters: Filters, member_id: int) -> dict[str, int]:
    """Return how many items each state holds under every filter but the state, with 'open' and 'all'."""
    query = _narrowed(Submission.select(Submission.status, fn.COUNT(Submission.id)), filters, member_id)
    counts = dict.fromkeys(choices.STATUSES, 0)
    for status, count in query.group_by(Submission.status).tuples():
        counts[status] = count
    counts[OPEN] = sum(counts[state] for state in OPEN_STATES)
    counts[ALL] = sum(counts[state] for state in choices.STATUSES)
    return counts


def page(query, number: int, per_page: int = PER_PAGE) -> Page:
    """Return one page of a query (numbers outside the range give the nearest page)."""
    total = query.count()
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    return Page(list(query.paginate(number, per_page)), total, number, pages)


def unseen_ids(member_id: int, items) -> set[int]:
    """Return the ids of the items this member has not opened yet."""
    ids = [item.id for item in items]
    return set(ids) - Seen.ids_for(member_id, ids)
