"""Saved answer templates: create, change and delete them, each with its audit entry."""

from ..accounts import audit
from ..accounts.models import Member, utcnow
from ..db import writing
from .models import AnswerTemplate


def _target(template: AnswerTemplate) -> str:
    return f"answer-template:{template.id}"


def create(title: str, body: str, member: Member | None) -> AnswerTemplate:
    """Save a new template."""
    with writing():
        template = AnswerTemplate.create(
            title=title, body=body, updated_by=member.email if member else "", updated_at=utcnow()
        )
        audit.record("template.created", target=_target(template), reason=title, member=member)
    return template


def update(template: AnswerTemplate, title: str, body: str, member: Member) -> AnswerTemplate:
    """Change a template's title and body."""
    with writing():
        AnswerTemplate.update(title=title, body=body, updated_by=member.email, updated_at=utcnow()).where(
            AnswerTemplate.id == template.id
        ).execute()
        audit.record("template.changed", target=_target(template), reason=title, member=member)
    return AnswerTemplate.get_by_id(template.id)


def delete(template: AnswerTemplate, member: Member) -> None:
    """Delete a template (answers already written from it are not touched)."""
    with writing():
        AnswerTemplate.delete().where(AnswerTemplate.id == template.id).execute()
        audit.record("template.deleted", target=_target(template), reason=template.title, member=member)


def body_of(template_id) -> str | None:
    """Return a template's body, or None when there is no such template."""
    template = AnswerTemplate.get_or_none(AnswerTemplate.id == template_id)
    return template.body if template else None


DEMO = (
    (
        "Thank you, answered already",
        "Thank you for your question. The CLT has answered a very similar question here: "
        "[answered questions](/answers).\n\nIf that does not answer what you asked, please "
        "[ask again](/ask) and tell us more.",
    ),
    (
        "Not something the CLT can help with",
        "Thank you for writing to the Albany LEAD Community Leadership Team. This is not something "
        "the CLT can act on, because we do not run services or decide who takes part in LEAD.\n\n"
        "If someone is in danger, call 911. In a mental-health crisis, call or text 988.",
    ),
)


def seed_demo() -> bool:
    """Add the demo templates when there are none; return True if it added them."""
    if AnswerTemplate.select().exists():
        return False
    with writing():
        for title, body in DEMO:
            AnswerTemplate.create(title=title, body=body, updated_by="demo")
    return True
