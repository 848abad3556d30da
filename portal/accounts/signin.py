"""Signing in and out: throttle, check the password and code, start or end the session, log it.

Every attempt is logged to Python logging and to SignInEvent with the member's email and the
time; never the password, never the address typed for an unknown account, never an IP.
"""

import logging
from dataclasses import dataclass

from ..db import writing
from . import passwords, second_factor, sessions, throttle
from .models import Member, SignInEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    """How an attempt ended: "signed-in", "needs-code", "wrong" or "locked"."""

    status: str
    token: str | None = None
    lock: throttle.Lock | None = None


def log_event(outcome: str, member: Member | None = None, note: str = "") -> None:
    """Write one sign-in event to the log and the database."""
    email = member.email if member else ""
    log.info("sign-in event %s: %s", outcome, email or "(no member with that address)")
    with writing():
        SignInEvent.create(member=member, email=email, outcome=outcome, note=note)


def attempt(email: str, password: str) -> Result:
    """Check an email and password, unless sign-in is paused for this account or client."""
    member = Member.by_email(email)
    lock = throttle.lock_for(email)
    if lock is not None:
        log_event("refused-paused", member, note=lock.scope)
        return Result("locked", lock=lock)
    usable = member is not None and member.active and member.has_password
    if not passwords.verify(member.password_hash if usable else None, password):
        throttle.note_failure(email)
        if member is None:
            outcome = "unknown-account"
        elif not member.active:
            outcome = "inactive"
        else:
            outcome = "wrong-password" if member.has_password else "no-password-yet"
        log_event(outcome, member)
        return Result("wrong")
    token = sessions.start(member, verified=not member.second_factor_on)
    if member.second_factor_on:
        log_event("password-ok", member, note="waiting for the second-factor code")
        return Result("needs-code", token=token)
    log_event("signed-in", member)
    return Result("signed-in", token=token)


def confirm_code(pending_token: str, member: Member, code: str) -> Result:
    """Finish a sign-in with a second-factor code; a right code replaces the pending session."""
    lock = throttle.lock_for(member.email)
    if lock is not None:
        log_event("refused-paused", member, note=lock.scope)
        return Result("locked", lock=lock)
    step = second_factor.matching_step(member.totp_secret, code, after_step=member.totp_last_step)
    if step is None:
        throttle.note_failure(member.email)
        log_event("wrong-code", member)
        return Result("wrong")
    with writing():
        # Only one request can move the step forward, so a code is accepted once.
        moved = (
            Member.update(totp_last_step=step)
            .where(Member.id == member.id, Member.totp_last_step < step)
            .execute()
        )
    if not moved:
        log_event("wrong-code", member, note="code already used")
        return Result("wrong")
    sessions.end(pending_token)
    token = sessions.start(member, verified=True)
    log_event("signed-in", member, note="with second factor")
    return Result("signed-in", token=token)


def sign_out(token: str | None, member: Member | None) -> None:
    """End the session behind the token and log it."""
    sessions.end(token)
    if member is not None:
        log_event("signed-out", member)
