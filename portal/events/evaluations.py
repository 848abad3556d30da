"""Take one evaluation per registration, and gather the answers for the organizers' results."""

import datetime

from peewee import fn

from ..db import writing
from .localtime import to_local
from .models import CONFIRMED, Evaluation, Event, Registration
from .results import Answer, SessionResult, summarize

# The link in the after-session email works this long.
LINK_DAYS = 60
# After a session ends, invitations still go out this long (a cron that was down catches up).
INVITE_WINDOW = datetime.timedelta(days=14)


class AlreadyAnsweredError(Exception):
    """This registration has already sent its evaluation."""


class NotOpenError(Exception):
    """The session has not ended, so there is nothing to evaluate yet."""


def can_evaluate(registration: Registration, now: datetime.datetime) -> None:
    """Raise unless this registration may answer now."""
    if registration.evaluated:
        raise AlreadyAnsweredError
    if not registration.event.has_ended(now) or registration.status != CONFIRMED:
        raise NotOpenError


def record(registration_id: int, answer: Answer, comment: str, now: datetime.datetime) -> None:
    """Store one answer; the flag on the registration makes a second one fail, even in a race."""
    with writing():
        registration = Registration.get_by_id(registration_id)
        can_evaluate(registration, now)
        # The conditional update is the guard that holds on PostgreSQL too: only one of two
        # racing requests changes the row.
        claimed = (
            Registration.update(evaluated=True)
            .where(Registration.id == registration_id, Registration.evaluated == False)  # noqa: E712 (SQL)
            .execute()
        )
        if not claimed:
            raise AlreadyAnsweredError
        Evaluation.create(
            event=registration.event_id,
            understanding_before=answer.before,
            understanding_after=answer.after,
            usefulness=answer.usefulness,
            recommend=answer.recommend,
            comment=comment,
            submitted_on=now.date(),
        )


def _answers(event_id: int) -> list[Answer]:
    rows = Evaluation.select().where(Evaluation.event == event_id)
    return [Answer(r.understanding_before, r.understanding_after, r.usefulness, r.recommend) for r in rows]


def session_result(event: Event) -> SessionResult:
    """Return turnout and the summary of answers for one session."""
    confirmed = Registration.select(fn.COALESCE(fn.SUM(Registration.attendees), 0)).where(
        Registration.event == event.id, Registration.status == CONFIRMED
    )
    attended_rows = Registration.select().where(
        Registration.event == event.id, Registration.attended.is_null(False)
    )
    attended = sum(r.attendees for r in attended_rows if r.attended) if attended_rows.exists() else None
    return SessionResult(
        event_id=event.id,
        title=event.title,
        day=to_local(event.starts_at).date(),
        confirmed=int(confirmed.scalar() or 0),
        attended=attended,
        summary=summarize(_answers(event.id)),
    )


def comments(event_id: int) -> list[tuple[datetime.date, str]]:
    """Return the non-empty comments for one session, for organizers only."""
    rows = (
        Evaluation.select()
        .where(Evaluation.event == event_id, Evaluation.comment != "")
        .order_by(Evaluation.id)
    )
    return [(r.submitted_on, r.comment) for r in rows]


def all_session_results(now: datetime.datetime) -> list[SessionResult]:
    """Return results for every past, held session (oldest first)."""
    events = Event.select().where(Event.kind == "session", Event.status == "published", Event.ends_at < now)
    return sorted((session_result(e) for e in events), key=lambda s: (s.day, s.event_id))
