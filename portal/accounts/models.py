"""CLT members, their server-side sessions, one-time links and the sign-in log."""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..db import BaseModel

# The workspace roles; a member can hold several. gate.py re-exports this.
ROLES = ("moderator", "organizer", "data_steward", "admin")


def utcnow() -> datetime.datetime:
    """Return the current UTC time without tzinfo (how every timestamp here is stored)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Member(BaseModel):
    """A CLT member who can sign in to the workspace."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=100, default="")
    # An empty hash can never verify: invited members have none until they set a password.
    password_hash = CharField(max_length=255, default="")
    roles = CharField(max_length=100, default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(null=True)
    totp_secret = CharField(max_length=64, default="")
    totp_pending_secret = CharField(max_length=64, default="")
    # The last 30-second step a code was accepted for, so a code cannot be used twice.
    totp_last_step = IntegerField(default=0)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)

    def holds(self, role: str) -> bool:
        """Return True if the member has this role."""
        return role in self.role_set

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def second_factor_on(self) -> bool:
        return bool(self.totp_secret)

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    @classmethod
    def by_email(cls, email: str):
        """Return the member with this email (any case), or None."""
        return cls.get_or_none(cls.email == normalise_email(email))

    @classmethod
    def listed(cls):
        """Return every member, active first, then by email."""
        return cls.select().order_by(cls.active.desc(), cls.email)

    @classmethod
    def active_admins(cls):
        """Return the active members holding the admin role."""
        return [m for m in cls.select().where(cls.active == True) if m.holds("admin")]  # noqa: E712


def normalise_email(email: str) -> str:
    """Return an email address trimmed and in lower case, as it is stored."""
    return (email or "").strip().lower()


def join_roles(roles) -> str:
    """Return roles as the stored comma-separated text, in a stable order."""
    return ",".join(r for r in ROLES if r in set(roles))


class MemberSession(BaseModel):
    """One signed-in browser; the cookie holds a random token and only its hash is stored here."""

    token_hash = CharField(max_length=64, unique=True)
    member = ForeignKeyField(Member, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    # False while the member still owes a second-factor code.
    verified = BooleanField(default=False)


class OneTimeLink(BaseModel):
    """An invitation or password-reset link: usable once, until it expires."""

    token_hash = CharField(max_length=64, unique=True)
    member = ForeignKeyField(Member, backref="links", on_delete="CASCADE")
    purpose = CharField(max_length=10)  # "invite" or "reset"
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    @classmethod
    def usable(cls, token_hash: str):
        """Return the unused, unexpired link with this hash, or None."""
        return cls.get_or_none(cls.token_hash == token_hash, cls.used_at.is_null(), cls.expires_at > utcnow())


class SignInEvent(BaseModel):
    """One sign-in, failure or sign-out: the member's email and the time, never a password or address."""

    at = DateTimeField(default=utcnow, index=True)
    member = ForeignKeyField(Member, null=True, backref="sign_ins", on_delete="SET NULL")
    # The member's email; empty when the address typed belongs to no member (it is not kept).
    email = CharField(max_length=254, default="")
    outcome = CharField(max_length=20)
    note = TextField(default="")

    @classmethod
    def recent(cls, member=None, since=None, until=None):
        """Return sign-in events, newest first, optionally for one member and a date range."""
        query = cls.select().order_by(cls.at.desc(), cls.id.desc())
        if member is not None:
            query = query.where(cls.member == member)
        if since is not None:
            query = query.where(cls.at >= since)
        if until is not None:
            query = query.where(cls.at < until)
        return query


class SignInFailure(BaseModel):
    """A failed sign-in counted against a throttle key (a keyed hash of the account or client)."""

    key = CharField(max_length=96, index=True)
    at = DateTimeField(default=utcnow, index=True)
