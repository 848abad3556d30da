"""Evaluation results as plain numbers: counts per answer and averages, per session and over time."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
RECOMMEND = ("yes", "maybe", "no")


@dataclass(frozen=True)
class Answer:
    """One evaluation response, without its comment."""

    before: int
    after: int
    usefulness: int
    recommend: str


@dataclass(frozen=True)
class Summary:
    """Counts and averages for a set of answers."""

    responses: int
    before: dict[int, int]
    after: dict[int, int]
    usefulness: dict[int, int]
    recommend: dict[str, int]

    @staticmethod
    def _mean(counts: dict[int, int]) -> float | None:
        total = sum(counts.values())
        return round(sum(score * n for score, n in counts.items()) / total, 2) if total else None

    @property
    def mean_before(self) -> float | None:
        return self._mean(self.before)

    @property
    def mean_after(self) -> float | None:
        return self._mean(self.after)

    @property
    def mean_usefulness(self) -> float | None:
        return self._mean(self.usefulness)

    @property
    def would_recommend(self) -> int:
        return self.recommend["yes"]


def summarize(answers: Iterable[Answer]) -> Summary:
    """Count each answer on each question, keeping every scale point (zeros too)."""
    answers = list(answers)

    def scale(values) -> dict[int, int]:
        counted = Counter(values)
        return {point: counted.get(point, 0) for point in SCALE}

    recommend = Counter(a.recommend for a in answers)
    return Summary(
        responses=len(answers),
        before=scale(a.before for a in answers),
        after=scale(a.after for a in answers),
        usefulness=scale(a.usefulness for a in answers),
        recommend={choice: recommend.get(choice, 0) for choice in RECOMMEND},
    )


@dataclass(frozen=True)
class SessionResult:
    """One session's date, turnout and evaluation summary."""

    event_id: int
    title: str
    day: datetime.date
    confirmed: int
    attended: int | None
    summary: Summary


def over_time(sessions: Iterable[SessionResult]) -> list[SessionResult]:
    """Return sessions oldest first, the order a trend is read in."""
    return sorted(sessions, key=lambda s: (s.day, s.event_id))
