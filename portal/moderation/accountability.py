"""Public accountability figures: per quarter, what came in and how the CLT responded. Numbers only.

A *first response* is the first time the CLT moved an item to reviewing, answered it in public,
replied privately or closed it (Submission.first_response_on). Hiding spam is not a response.
Days are counted from the day the item arrived to that day (same day = 0). Items are counted in
the quarter they arrived. Withdrawn items are deleted, so they are not counted at all.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from ..questions import choices
from ..questions.models import Submission
from . import hiding


@dataclass(frozen=True)
class Row:
    """The few facts about one item that the figures need."""

    kind: str
    created_on: datetime.date
    status: str
    answered: bool
    replied: bool
    hidden_reason: str | None
    first_response_on: datetime.date | None


@dataclass
class Quarter:
    """One calendar quarter's totals."""

    year: int
    number: int
    complete: bool
    received: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(choices.KINDS, 0))
    answered: int = 0
    replied: int = 0
    closed: int = 0
    still_open: int = 0
    hidden: dict[str, int] = field(default_factory=lambda: dict.fromkeys(hiding.KEYS, 0))
    waiting: int = 0  # no response yet (still 'received')
    days: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """Return (year, quarter number) for a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, number: int) -> datetime.date:
    """Return the last day of a quarter."""
    first_of_next = datetime.date(year + number // 4, number % 4 * 3 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def quarterly(rows, today: datetime.date) -> list[Quarter]:
    """Return each quarter that received anything, newest first."""
    quarters: dict[tuple[int, int], Quarter] = {}
    for row in rows:
        key = quarter_of(row.created_on)
        quarter = quarters.get(key)
        if quarter is None:
            quarter = quarters[key] = Quarter(*key, complete=quarter_end(*key) < today)
        quarter.received += 1
        quarter.by_kind[row.kind] = quarter.by_kind.get(row.kind, 0) + 1
        quarter.answered += row.answered
        quarter.replied += row.replied
        if row.status == choices.CLOSED:
            quarter.closed += 1
        elif row.status == choices.HIDDEN:
            quarter.hidden[hiding.category(row.hidden_reason)] += 1
        elif row.status in (choices.RECEIVED, choices.REVIEWING, choices.DISCUSSED):
            quarter.still_open += 1
        if row.status == choices.RECEIVED:
            quarter.waiting += 1
        if row.first_response_on is not None:
            quarter.days.append(max(0, (row.first_response_on - row.created_on).days))
    return [quarters[key] for key in sorted(quarters, reverse=True)]


def load_rows() -> list[Row]:
    """Read the facts the figures need from every submission (never its text or contact details)."""
    query = Submission.select(
        Submission.kind,
        Submission.created_on,
        Submission.status,
        Submission.answer,
        Submission.replied_on,
        Submission.hidden_reason,
        Submission.first_response_on,
    ).tuples()
    return [
        Row(kind, created, status, answer is not None, replied is not None, reason, first)
        for kind, created, status, answer, replied, reason, first in query
    ]
