"""Sign-in throttling: count failures per account and per client over a sliding window.

portal.ratelimit counts every hit in fixed windows; sign-in needs to ask "is this account
locked?" before checking a password without counting the question, and to count only failures
(so members who sign in often from one office are never locked out), so failures are rows in
SignInFailure keyed by a keyed hash of the account and by ratelimit's daily-salted client key.
"""

import datetime
import hashlib
import hmac
import math
from dataclasses import dataclass

from flask import current_app

from .. import ratelimit
from ..db import writing
from .models import SignInFailure, normalise_email, utcnow

ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
WINDOW = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class Lock:
    """Why sign-in is paused and for how many more minutes."""

    scope: str  # "account" or "client"
    minutes: int


def account_key(email: str) -> str:
    """Return a keyed hash of the typed address; unknown addresses lock the same way as real ones."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"sign-in-account:" + normalise_email(email).encode(), hashlib.sha256)
    return "account:" + digest.hexdigest()[:40]


def client_key() -> str:
    """Return the client's daily pseudonym from portal.ratelimit (never its address)."""
    return "client:" + ratelimit.client_key()


def _limits() -> tuple[tuple[str, int], ...]:
    config = current_app.config
    return (
        ("account", config.get("SIGN_IN_ACCOUNT_LIMIT", ACCOUNT_LIMIT)),
        ("client", config.get("SIGN_IN_CLIENT_LIMIT", CLIENT_LIMIT)),
    )


def lock_for(email: str) -> Lock | None:
    """Return the lock in force for this address from this client, or None."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    now = utcnow()
    keys = {"account": account_key(email), "client": client_key()}
    for scope, limit in _limits():
        recent = (
            SignInFailure.select(SignInFailure.at)
            .where(SignInFailure.key == keys[scope], SignInFailure.at > now - WINDOW)
            .order_by(SignInFailure.at.desc())
            .limit(limit)
        )
        times = [row.at for row in recent]
        if len(times) >= limit:
            # The pause ends when the oldest of the last `limit` failures leaves the window.
            seconds = (times[-1] + WINDOW - now).total_seconds()
            return Lock(scope, max(1, math.ceil(seconds / 60)))
    return None


def note_failure(email: str) -> None:
    """Count one failed sign-in against the account and the client; drop day-old rows."""
    now = utcnow()
    with writing():
        SignInFailure.insert_many(
            [{"key": account_key(email), "at": now}, {"key": client_key(), "at": now}]
        ).execute()
        SignInFailure.delete().where(SignInFailure.at < now - datetime.timedelta(days=1)).execute()
