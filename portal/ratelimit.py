"""Rate limits keyed on a salted hash of the client address; the salt changes every day.

The address itself is never stored or logged. Counters live in the database so that every
gunicorn worker and every app server sees the same counts.
"""

import datetime
import functools
import hashlib
import hmac
import time

from flask import abort, current_app, request
from peewee import CharField, IntegerField

from .db import BaseModel, writing


class RateCounter(BaseModel):
    """Hits on one bucket by one hashed client in one time window."""

    key = CharField(max_length=96)
    window = IntegerField()
    hits = IntegerField(default=0)
    expires = IntegerField(index=True)

    class Meta:
        primary_key = False
        indexes = ((("key", "window"), True),)


def daily_salt(day: datetime.date | None = None) -> bytes:
    """Derive today's salt from the secret key, so no salt is ever stored."""
    day = day or datetime.datetime.now(datetime.UTC).date()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"rate-limit-salt:{day.isoformat()}".encode(), hashlib.sha256).digest()


def client_key() -> str:
    """Return today's pseudonym for the client making this request."""
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(daily_salt(), address, hashlib.sha256).hexdigest()[:32]


def hit(bucket: str, limit: int, per_seconds: int, subject: str | None = None) -> bool:
    """Count one hit on a bucket; return True while the count is within the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    window = int(time.time()) // per_seconds
    key = f"{bucket}:{subject or client_key()}"[:96]
    with writing():
        (
            RateCounter.insert(key=key, window=window, hits=1, expires=(window + 1) * per_seconds)
            .on_conflict(
                conflict_target=[RateCounter.key, RateCounter.window],
                update={RateCounter.hits: RateCounter.hits + 1},
            )
            .execute()
        )
        hits = (
            RateCounter.select(RateCounter.hits)
            .where(RateCounter.key == key, RateCounter.window == window)
            .scalar()
        )
    return hits <= limit


def limited(bucket: str, limit: int, per_seconds: int):
    """Decorate a view so that POSTs beyond the limit get a 429 page."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method == "POST" and not hit(bucket, limit, per_seconds):
                abort(429)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def purge_expired(now: float | None = None) -> int:
    """Delete counters whose window has ended; return how many went."""
    with writing():
        return RateCounter.delete().where(RateCounter.expires < int(now or time.time())).execute()
