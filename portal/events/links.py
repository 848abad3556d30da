"""Private links for registrants: signed, unguessable, and stored only as a hash."""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .models import AccessLink, Registration

MANAGE, EVALUATE = "manage", "evaluate"
MAX_TOKEN_LENGTH = 200


class InvalidLinkError(Exception):
    """The link was never issued by us, was mistyped, or has been withdrawn."""


class ExpiredLinkError(Exception):
    """The link was ours but is too old to use."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"events-{purpose}-link")


def digest(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(registration: Registration, purpose: str) -> str:
    """Create a new link for a registration (call inside the write transaction); return the token."""
    token = _serializer(purpose).dumps(secrets.token_urlsafe(24))
    AccessLink.create(registration=registration, purpose=purpose, token_hash=digest(token))
    return token


def resolve(token: str, purpose: str, max_age: int | None = None) -> Registration:
    """Return the registration a link belongs to, or raise InvalidLinkError / ExpiredLinkError."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidLinkError
    try:
        _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredLinkError from None
    except BadSignature:
        raise InvalidLinkError from None
    link = (
        AccessLink.select(AccessLink, Registration)
        .join(Registration)
        .where(AccessLink.token_hash == digest(token), AccessLink.purpose == purpose)
        .get_or_none()
    )
    if link is None or link.registration.purged_at is not None:
        raise InvalidLinkError
    return link.registration
