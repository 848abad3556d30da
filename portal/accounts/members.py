"""What admins do to members: invite, change roles, deactivate, reactivate, issue a reset link.

Each function writes its change and its audit entry in one transaction. Any change that
would leave the workspace without an active admin is refused.
"""

from flask_babel import lazy_gettext as _l

from ..db import writing
from . import links, passwords, sessions
from .audit import record
from .models import Member, OneTimeLink, join_roles, normalise_email, utcnow

DEMO_EMAIL = "demo@lead-clt.invalid"
DEMO_PASSWORD = "demo passphrase for the CLT"  # noqa: S105 (public demo credential, demo database only)


NO_ADMIN_LEFT = _l("This would leave no active admin. Give another member the admin role first.")


class MemberError(ValueError):
    """The change was refused; the message says why, for the admin."""


def target(member: Member) -> str:
    """Return how audit entries name a member."""
    return f"member:{member.email}"


def _leaves_no_admin(member: Member, roles: set[str], active: bool) -> bool:
    others = [m for m in Member.active_admins() if m.id != member.id]
    return not others and not ("admin" in roles and active)


def _add(email: str, roles, name: str, password: str | None) -> Member:
    email = normalise_email(email)
    if Member.by_email(email) is not None:
        raise MemberError(_l("A member with the address %(email)s already exists.", email=email))
    return Member.create(
        email=email,
        name=name.strip(),
        roles=join_roles(roles),
        password_hash=passwords.hash_password(password) if password else "",
        password_changed_at=utcnow() if password else None,
    )


def create(email: str, roles, name: str = "", password: str | None = None, reason: str = "") -> Member:
    """Add a member from the command line (with a password, or none until they use a link)."""
    with writing():
        member = _add(email, roles, name, password)
        record("member.created", target=target(member), reason=reason, member=None)
    return member


def invite(email: str, roles, name: str, reason: str, by: Member) -> tuple[Member, str]:
    """Add a member without a password and return them with a one-time invitation token."""
    with writing():
        member = _add(email, roles, name, None)
        token = links.issue(member, "invite")
        record("member.invited", target=target(member), reason=reason, member=by)
    return member, token


def change_roles(member: Member, roles, reason: str, by: Member) -> None:
    """Replace the member's roles."""
    new = set(join_roles(roles).split(",")) - {""}
    with writing():
        member = Member.get_by_id(member.id)
        if _leaves_no_admin(member, new, member.active):
            raise MemberError(NO_ADMIN_LEFT)
        before = ", ".join(sorted(member.role_set)) or "none"
        member.roles = join_roles(new)
        member.save()
        after = ", ".join(sorted(new)) or "none"
        record(
            "member.roles-changed",
            target=target(member),
            reason=f"{reason} [roles: {before} -> {after}]",
            member=by,
        )


def set_active(member: Member, active: bool, reason: str, by: Member) -> None:
    """Deactivate (ending every session and unused link) or reactivate a member."""
    with writing():
        member = Member.get_by_id(member.id)
        if not active and _leaves_no_admin(member, set(member.role_set), False):
            raise MemberError(NO_ADMIN_LEFT)
        member.active = active
        member.save()
        if not active:
            sessions.end_all(member)
            OneTimeLink.update(used_at=utcnow()).where(
                OneTimeLink.member == member, OneTimeLink.used_at.is_null()
            ).execute()
        record(
            "member.reactivated" if active else "member.deactivated",
            target=target(member),
            reason=reason,
            member=by,
        )


def issue_reset(member: Member, reason: str, by: Member | None) -> tuple[str, str]:
    """Return a one-time token and its purpose: "reset", or "invite" if no password was ever set."""
    with writing():
        member = Member.get_by_id(member.id)
        if not member.active:
            raise MemberError(_l("This member is deactivated. Reactivate them first."))
        purpose = "reset" if member.has_password else "invite"
        token = links.issue(member, purpose)
        record(
            "member.reset-link-issued" if purpose == "reset" else "member.invitation-reissued",
            target=target(member),
            reason=reason,
            member=by,
        )
    return token, purpose


def seed_demo() -> bool:
    """Create the demo member holding every role, only in an empty members table."""
    if Member.select().exists():
        return False
    create(
        DEMO_EMAIL,
        ("admin", "moderator", "organizer", "data_steward"),
        name="Demo member",
        password=DEMO_PASSWORD,
        reason="demo database",
    )
    return True
