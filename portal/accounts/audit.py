"""The audit log: an append-only record of who did what in the workspace, to which item, and why.

Every workspace feature calls `record(...)` inside the same transaction as the change it
reports, so the change and its log entry are written together or not at all.
"""

import datetime
import logging

from flask import has_request_context
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from ..db import BaseModel
from .models import Member, utcnow

log = logging.getLogger(__name__)

TARGET_MAX = 200
REASON_MAX = 2000


class AppendOnlyError(RuntimeError):
    """An audit entry cannot be changed or deleted."""


class AuditEntry(BaseModel):
    """One action: when, by whom, what, on which item, and the reason given."""

    at = DateTimeField(default=utcnow, index=True)
    member = ForeignKeyField(Member, null=True, backref="audit_entries", on_delete="RESTRICT")
    # Kept beside the key so the entry reads the same even if the member's address changes.
    member_email = CharField(max_length=254, default="")
    action = CharField(max_length=60, index=True)
    target = CharField(max_length=TARGET_MAX, default="")
    reason = TextField(default="")

    def save(self, force_insert=False, only=None):
        if self.get_id() is not None and not force_insert:
            raise AppendOnlyError("audit entries cannot be changed")
        return super().save(force_insert=force_insert, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    @classmethod
    def delete(cls):
        raise AppendOnlyError("audit entries cannot be deleted")

    @classmethod
    def filtered(cls, member=None, action: str = "", since=None, until=None):
        """Return entries newest first, narrowed by member, action and a [since, until) date range."""
        query = cls.select().order_by(cls.at.desc(), cls.id.desc())
        if member is not None:
            query = query.where(cls.member == member)
        if action:
            query = query.where(cls.action == action)
        if since is not None:
            query = query.where(cls.at >= since)
        if until is not None:
            query = query.where(cls.at < until)
        return query

    @classmethod
    def actions(cls) -> list[str]:
        """Return every action name in the log, for the filter."""
        return [row.action for row in cls.select(cls.action).distinct().order_by(cls.action)]


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(action: str, *, target: str = "", reason: str = "", member=None) -> AuditEntry:
    """Append one entry; `member` defaults to the signed-in member (None for the command line).

    Call it inside the writing() transaction of the change it describes. `target` names the
    item as "kind:id", for example "question:42" or "member:alex@example.org".
    """
    if not action or not action.strip():
        raise ValueError("an audit entry needs an action")
    if member is None and has_request_context():
        from .gate import current_member

        member = current_member()
    entry = AuditEntry.create(
        at=utcnow(),
        member=member,
        member_email=member.email if member else "",
        action=_clip(action, 60),
        target=_clip(target, TARGET_MAX),
        reason=_clip(reason, REASON_MAX),
    )
    # The log line names no item: a target can hold an email address.
    log.info("audit: %s by member %s", entry.action, member.id if member else "-")
    return entry


def day_range(start: datetime.date | None, end: datetime.date | None):
    """Return [since, until) datetimes covering whole days from start to end inclusive."""
    since = datetime.datetime.combine(start, datetime.time()) if start else None
    until = datetime.datetime.combine(end, datetime.time()) + datetime.timedelta(days=1) if end else None
    return since, until
