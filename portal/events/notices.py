"""The emails registrants get. Each is sent only after the change it reports has committed."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import mail
from .localtime import format_span
from .models import CONFIRMED, Event, Registration


def absolute(path: str) -> str:
    """Return a full URL on this site (works outside a request, for cron jobs)."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def manage_url(token: str) -> str:
    return absolute(f"/events/manage/{token}")


def evaluate_url(token: str) -> str:
    return absolute(f"/events/evaluate/{token}")


def _when_and_where(event: Event, confirmed: bool) -> str:
    lines = [
        _("When: %(when)s", when=format_span(event.starts_at, event.ends_at)),
        _("Where: %(place)s", place=event.location),
    ]
    if event.online_url and confirmed:
        lines.append(_("Online link: %(url)s", url=event.online_url))
    lines += [
        _("Session page: %(url)s", url=absolute(event.path)),
        _("Add it to your calendar: %(url)s", url=absolute(event.ics_path)),
    ]
    return "\n".join(lines)


def _private_link(token: str) -> str:
    return _(
        "To change the number of people or cancel, use your private link:\n%(url)s\n"
        "Please keep this link to yourself. Anyone who has it can change your registration.",
        url=manage_url(token),
    )


def _compose(registration: Registration, *parts: str) -> str:
    greeting = _("Hello %(name)s,", name=registration.contact_name)
    closing = _("Albany LEAD Community Leadership Team")
    return "\n\n".join([greeting, *[p for p in parts if p], closing]) + "\n"


def _send(registration: Registration, subject: str, body: str) -> bool:
    return mail.send(registration.email, subject, body)


def registered(registration: Registration, event: Event, token: str) -> bool:
    """Confirm a new registration or a place on the waitlist."""
    confirmed = registration.status == CONFIRMED
    if confirmed:
        subject = _("You are registered: %(title)s", title=event.title)
        intro = ngettext(
            "You are registered for %(title)s, for %(num)d person.",
            "You are registered for %(title)s, for %(num)d people.",
            registration.attendees,
            title=event.title,
        )
    else:
        subject = _("You are on the waitlist: %(title)s", title=event.title)
        intro = _(
            "%(title)s is full right now, so you are on the waitlist. When seats free up, we give "
            "them to people on the waitlist in the order they joined, and we will email you at once.",
            title=event.title,
        )
    retention = _("We delete your contact details 90 days after the session.")
    body = _compose(registration, intro, _when_and_where(event, confirmed), _private_link(token), retention)
    return _send(registration, subject, body)


def promoted(promotions: list[tuple[Registration, str]], event: Event) -> None:
    """Tell each registration moved off the waitlist that its seats are saved."""
    for registration, token in promotions:
        subject = _("A seat opened up for you: %(title)s", title=event.title)
        intro = ngettext(
            "Good news: a seat opened up, and we have saved it for you at %(title)s. "
            "You do not need to do anything else. If you can no longer come, please cancel "
            "with your private link so the next person can have the seat.",
            "Good news: seats opened up, and we have saved %(num)d for you at %(title)s. "
            "You do not need to do anything else. If you can no longer come, please cancel "
            "with your private link so the next person can have the seats.",
            registration.attendees,
            title=event.title,
        )
        _send(
            registration,
            subject,
            _compose(registration, intro, _when_and_where(event, True), _private_link(token)),
        )


def cancelled_by_registrant(registration: Registration, event: Event) -> bool:
    """Confirm that a registrant cancelled."""
    subject = _("Registration cancelled: %(title)s", title=event.title)
    intro = _(
        "You cancelled your registration for %(title)s. Thank you for letting us know. "
        "You are welcome to register again from the session page if seats are free: %(url)s",
        title=event.title,
        url=absolute(event.path),
    )
    return _send(registration, subject, _compose(registration, intro))


def event_cancelled(registration: Registration, event: Event) -> bool:
    """Tell a registrant that the organizers cancelled the event."""
    subject = _("Cancelled: %(title)s", title=event.title)
    intro = _(
        "We are sorry: %(title)s on %(when)s is cancelled. You do not need to do anything.",
        title=event.title,
        when=format_span(event.starts_at, event.ends_at),
    )
    reason = _("Why: %(reason)s", reason=event.cancel_reason) if event.cancel_reason else ""
    more = _("See other sessions: %(url)s", url=absolute("/events"))
    return _send(registration, subject, _compose(registration, intro, reason, more))


def removed_from_waitlist(registration: Registration, event: Event) -> bool:
    """Tell a registrant that the organizers took them off the waitlist."""
    subject = _("Waitlist update: %(title)s", title=event.title)
    intro = _(
        "We are sorry: we could not find seats for you at %(title)s, so we have taken you off "
        "the waitlist. See other sessions: %(url)s",
        title=event.title,
        url=absolute("/events"),
    )
    return _send(registration, subject, _compose(registration, intro))


def reminder(registration: Registration, event: Event, token: str) -> bool:
    """Remind a registrant the day before."""
    subject = _("Reminder: %(title)s is tomorrow", title=event.title)
    intro = _("This is a reminder that %(title)s is coming up soon.", title=event.title)
    accessibility = _("Access: %(text)s", text=event.accessibility) if event.accessibility else ""
    body = _compose(registration, intro, _when_and_where(event, True), accessibility, _private_link(token))
    return _send(registration, subject, body)


def evaluation_invite(registration: Registration, event: Event, token: str) -> bool:
    """Ask a registrant how the session went."""
    subject = _("How did it go? %(title)s", title=event.title)
    intro = _(
        "Thank you for registering for %(title)s. Please tell us how it went. "
        "There are five short questions, and it takes about two minutes:\n%(url)s",
        title=event.title,
        url=evaluate_url(token),
    )
    privacy = _(
        "The link works once. We keep your answers without your name, and we never post your comments."
    )
    materials = (
        _("The session materials are on its page: %(url)s", url=absolute(event.path))
        if event.materials_published
        else ""
    )
    return _send(registration, subject, _compose(registration, intro, materials, privacy))
