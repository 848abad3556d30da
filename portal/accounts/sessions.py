"""Server-side sessions: the cookie carries a random token, the database decides if it still works.

Signing out deletes the row, so a copied cookie stops working; a session also ends after
WORKSPACE_IDLE_MINUTES without a request and WORKSPACE_SESSION_HOURS after sign-in.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app

from ..db import writing
from .models import Member, MemberSession, utcnow

# Writing last_seen_at on every request would make every page a write; a minute is precise enough.
TOUCH_EVERY = datetime.timedelta(seconds=60)
# A member has this long to type the second-factor code after the password.
PENDING_FOR = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Found:
    """What a session token leads to: a member, or why not."""

    member: Member | None = None
    expired: bool = False
    # Right password, second-factor code still owed: keep the token for the code page.
    pending: bool = False


def token_hash(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=current_app.config["WORKSPACE_IDLE_MINUTES"])


def _absolute_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=current_app.config["WORKSPACE_SESSION_HOURS"])


def start(member: Member, verified: bool) -> str:
    """Create a session for the member and return its token (for the cookie only)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with writing():
        MemberSession.delete().where(
            (MemberSession.last_seen_at < now - _idle_limit())
            | (MemberSession.created_at < now - _absolute_limit())
        ).execute()
        MemberSession.create(token_hash=token_hash(token), member=member, verified=verified)
    return token


def _row(token: str | None):
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    return (
        MemberSession.select(MemberSession, Member)
        .join(Member)
        .where(MemberSession.token_hash == token_hash(token))
        .first()
    )


def load(token: str | None) -> Found:
    """Return the active, fully signed-in member for a token, ending the session if it has expired."""
    row = _row(token)
    if row is None:
        return Found()
    if not row.verified:
        return Found(pending=True)
    now = utcnow()
    if (
        not row.member.active
        or now - row.last_seen_at > _idle_limit()
        or now - row.created_at > _absolute_limit()
    ):
        with writing():
            row.delete_instance()
        return Found(expired=True)
    if now - row.last_seen_at > TOUCH_EVERY:
        with writing():
            MemberSession.update(last_seen_at=now).where(MemberSession.id == row.id).execute()
    return Found(member=row.member)


def pending(token: str | None):
    """Return the member who gave a right password and still owes a code, or None."""
    row = _row(token)
    if row is None or row.verified or utcnow() - row.created_at > PENDING_FOR or not row.member.active:
        return None
    return row.member


def end(token: str | None) -> None:
    """Delete the session behind this token, if any."""
    if token and isinstance(token, str):
        with writing():
            MemberSession.delete().where(MemberSession.token_hash == token_hash(token)).execute()


def end_all(member: Member, keep: str | None = None) -> int:
    """Delete every session of the member except the one with token `keep`; return how many went."""
    query = MemberSession.delete().where(MemberSession.member == member)
    if keep:
        query = query.where(MemberSession.token_hash != token_hash(keep))
    return query.execute()
