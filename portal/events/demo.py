"""Demo content for `flask db init --demo`: generic sessions and meetings, never a real place or person."""

import datetime

from . import richtext
from .localtime import local_today, to_utc, utcnow
from .models import CONFIRMED, PUBLISHED, Evaluation, Event, Registration

VENUE = "Albany — venue sent to registrants"
ACCESS = (
    "Step-free entrance and an accessible restroom. Live captions online. "
    "Tell us what else you need when you register, and we will do our best."
)
SESSION_TEXT = """In this session you will learn:

- what LEAD is, and who it is for
- how people come into LEAD, and what happens next
- what you and your staff can do when someone near your business is in crisis

Bring your questions. There is time to talk at the end.
"""
MATERIALS = """## Handout

- [What LEAD is](/what-is-lead), in plain language
- [How it works](/how-it-works): the two ways people come into LEAD
- [LEAD and local businesses](/businesses): what to do when someone is in crisis

## Key points

1. In an emergency, or if anyone is in danger, call 911.
2. In a mental-health crisis, call or text 988.
3. Stay calm, keep a safe distance, and speak plainly and with respect.
"""
AGENDA = """1. Welcome and introductions
2. Community questions and feedback since the last meeting
3. Update on the business education sessions
4. Review of the latest figures
5. Next steps and date of the next meeting
"""
MINUTES = """## Present

CLT members and members of the public.

## Decisions

- The CLT will hold two more business education sessions this season.
- Answers to community questions will be posted within four weeks.

## Next meeting

See the events page.
"""


def _times(days: int, hour: int, minute: int, minutes: int) -> tuple[datetime.datetime, datetime.datetime]:
    start, _ = to_utc(local_today() + datetime.timedelta(days=days), datetime.time(hour, minute))
    return start, start + datetime.timedelta(minutes=minutes)


def _event(kind: str, title: str, slug: str, summary: str, when, **fields) -> Event:
    starts_at, ends_at = when
    for name in ("description", "materials", "agenda", "minutes"):
        if name in fields:
            source = fields.pop(name)
            fields[f"{name}_md"], fields[f"{name}_html"] = source, richtext.to_html(source)
    return Event.create(
        kind=kind,
        title=title,
        slug=slug,
        summary=summary,
        starts_at=starts_at,
        ends_at=ends_at,
        status=PUBLISHED,
        created_at=utcnow(),
        updated_at=utcnow(),
        **fields,
    )


def _register(event: Event, count: int, attendees: int = 1, attended: bool | None = None) -> None:
    for n in range(1, count + 1):
        Registration.create(
            event=event,
            submission_key=f"demo-{event.id}-{n:04d}-xxxxxxxxxx",
            business_name=f"Demo business {n}",
            contact_name="Demo contact",
            email=f"demo{n}@example.invalid",
            attendees=attendees,
            status=CONFIRMED,
            attended=attended,
            evaluated=attended is True,
        )


def _evaluations(event: Event, answers: list[tuple[int, int, int, str]]) -> None:
    for before, after, useful, recommend in answers:
        Evaluation.create(
            event=event,
            understanding_before=before,
            understanding_after=after,
            usefulness=useful,
            recommend=recommend,
            comment="Demo comment.",
            submitted_on=event.ends_at.date(),
        )


def seed() -> bool:
    """Add the demo events once; return True if it added them."""
    if Event.select().exists():
        return False
    session = {"description": SESSION_TEXT, "accessibility": ACCESS}
    first = _event(
        "session",
        "LEAD for local businesses: what it is and how it works",
        "lead-for-local-businesses",
        "A one-hour online introduction to LEAD for business owners and staff.",
        _times(10, 8, 30, 60),
        location="Online",
        online_url="https://meet.example.invalid/lead-intro",
        capacity=40,
        **session,
    )
    _register(first, 3)
    nearly_full = _event(
        "session",
        "When someone near your business is in crisis",
        "someone-in-crisis",
        "What LEAD is, and what you and your staff can do when you meet someone in crisis outside your door.",
        _times(17, 18, 0, 90),
        location=VENUE,
        capacity=20,
        **session,
    )
    _register(nearly_full, 9, attendees=2)
    _event(
        "session",
        "LEAD questions and answers for business owners",
        "lead-questions-and-answers",
        "Bring your questions about LEAD. CLT members answer them over lunch.",
        _times(31, 12, 0, 60),
        location="Online",
        online_url="https://meet.example.invalid/lead-qa",
        capacity=30,
        **session,
    )
    for days, slug in ((12, "clt-meeting-next"), (40, "clt-meeting-following")):
        _event(
            "meeting",
            "CLT monthly meeting",
            slug,
            "The Community Leadership Team meets. Everyone is welcome.",
            _times(days, 17, 30, 90),
            location="Online" if days == 12 else "Albany — place to be announced",
            online_url="https://meet.example.invalid/clt" if days == 12 else "",
            agenda=AGENDA,
            accessibility="Live captions online. Tell the CLT if you need anything else.",
        )
    for days, count, answers in (
        (
            -30,
            8,
            [(2, 4, 5, "yes"), (1, 4, 4, "yes"), (3, 5, 5, "yes"), (2, 3, 3, "maybe"), (1, 4, 5, "yes")],
        ),
        (-60, 6, [(2, 4, 4, "yes"), (3, 4, 3, "maybe"), (1, 3, 4, "yes"), (2, 2, 2, "no")]),
    ):
        past = _event(
            "session",
            "LEAD for local businesses: what it is and how it works",
            f"lead-for-businesses-{-days}",
            "A one-hour introduction to LEAD for business owners and staff.",
            _times(days, 8, 30, 60),
            location=VENUE,
            capacity=25,
            materials=MATERIALS,
            materials_published=True,
            **session,
        )
        _register(past, count, attended=True)
        _evaluations(past, answers)
    _event(
        "meeting",
        "CLT monthly meeting",
        "clt-meeting-last",
        "The Community Leadership Team met in public.",
        _times(-20, 17, 30, 90),
        location="Online",
        agenda=AGENDA,
        minutes=MINUTES,
        minutes_published=True,
    )
    return True
