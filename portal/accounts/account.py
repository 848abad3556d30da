"""What members do for themselves: set a password from a link, change it, turn the second factor on or off."""

from ..db import writing
from . import links, passwords, second_factor, sessions, throttle
from .audit import record
from .members import target
from .models import Member, OneTimeLink, utcnow


def _password_ok(member: Member, password: str) -> str:
    """Return "ok", "wrong" (counted by the sign-in throttle) or "locked"."""
    if throttle.lock_for(member.email) is not None:
        return "locked"
    if not passwords.verify(member.password_hash, password):
        throttle.note_failure(member.email)
        return "wrong"
    return "ok"


def redeem(link: OneTimeLink, password: str) -> Member | None:
    """Set the member's password from a one-time link; return None if the link was used meanwhile.

    A reset also turns the second factor off (the member can turn it on again), and every
    session the member had is ended.
    """
    password_hash = passwords.hash_password(password)
    with writing():
        if not links.use(link):
            return None
        member = Member.get_by_id(link.member_id)
        member.password_hash = password_hash
        member.password_changed_at = utcnow()
        if link.purpose == "reset":
            member.totp_secret = member.totp_pending_secret = ""
        member.save()
        sessions.end_all(member)
        action = "account.invitation-accepted" if link.purpose == "invite" else "account.reset-link-used"
        record(action, target=target(member), member=member)
    return member


def change_password(member: Member, current: str, new: str, keep_token: str | None) -> str:
    """Change the password if `current` is right and end the member's other sessions.

    Return "changed", "wrong" or "locked" (too many wrong passwords lately).
    """
    checked = _password_ok(member, current)
    if checked != "ok":
        return checked
    new_hash = passwords.hash_password(new)
    with writing():
        member = Member.get_by_id(member.id)
        member.password_hash = new_hash
        member.password_changed_at = utcnow()
        member.save()
        sessions.end_all(member, keep=keep_token)
        record("account.password-changed", target=target(member), member=member)
    return "changed"


def start_second_factor(member: Member) -> str:
    """Make and keep a new pending secret for the member to add to an authenticator app."""
    secret = second_factor.new_secret()
    with writing():
        Member.update(totp_pending_secret=secret).where(Member.id == member.id).execute()
    return secret


def confirm_second_factor(member: Member, code: str) -> bool:
    """Turn the second factor on if the code matches the pending secret."""
    step = second_factor.matching_step(member.totp_pending_secret, code)
    if step is None:
        return False
    with writing():
        member = Member.get_by_id(member.id)
        member.totp_secret, member.totp_pending_secret = member.totp_pending_secret, ""
        member.totp_last_step = step
        member.save()
        record("account.second-factor-on", target=target(member), member=member)
    return True


def turn_off_second_factor(member: Member, password: str) -> str:
    """Turn the second factor off if the password is right; return "off", "wrong" or "locked"."""
    checked = _password_ok(member, password)
    if checked != "ok":
        return checked
    with writing():
        Member.update(totp_secret="", totp_pending_secret="").where(Member.id == member.id).execute()
        record("account.second-factor-off", target=target(member), member=member)
    return "off"
