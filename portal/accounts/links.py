"""One-time links to set a password: invitations and admin-issued resets.

The link holds a random token; only its hash is stored. A link works once, until it expires,
and issuing a new one for a member cancels any earlier unused one.
"""

import datetime
import secrets

from flask import current_app

from .models import Member, OneTimeLink, utcnow
from .sessions import token_hash

PURPOSES = ("invite", "reset")


def issue(member: Member, purpose: str) -> str:
    """Create a link for the member and return its token; call inside writing()."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    now = utcnow()
    OneTimeLink.update(used_at=now).where(
        OneTimeLink.member == member, OneTimeLink.used_at.is_null()
    ).execute()
    token = secrets.token_urlsafe(32)
    hours = current_app.config["WORKSPACE_LINK_HOURS"]
    OneTimeLink.create(
        token_hash=token_hash(token),
        member=member,
        purpose=purpose,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=hours),
    )
    return token


def absolute_url(token: str) -> str:
    """Return the full address of a link, for an email or the command line."""
    # Built by hand: the command line has no request to build a URL from.
    return current_app.config["SITE_URL"].rstrip("/") + f"/workspace/invitation/{token}"


def find(token: str):
    """Return the usable link for a token, or None (unknown, used or expired)."""
    if not token or len(token) > 100:
        return None
    return OneTimeLink.usable(token_hash(token))


def use(link: OneTimeLink) -> bool:
    """Mark the link used; return False if another request used it first. Call inside writing()."""
    return bool(
        OneTimeLink.update(used_at=utcnow())
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_null())
        .execute()
    )
