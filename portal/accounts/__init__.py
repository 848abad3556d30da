"""CLT member accounts: sign-in, the closed workspace gate, member admin and the audit log."""

from . import admin_views, dashboard, gate, members
from .audit import AuditEntry
from .cli import cli
from .models import Member, MemberSession, OneTimeLink, SignInEvent, SignInFailure
from .views import blueprint

MODELS: list = [Member, MemberSession, OneTimeLink, SignInEvent, SignInFailure, AuditEntry]


def init_app(app) -> None:
    """Register the admin pages, the workspace backstop, no-store caching and the members command."""
    app.register_blueprint(admin_views.blueprint)
    app.before_request(gate.close_workspace)
    app.after_request(gate.no_store_for_workspace)
    app.jinja_env.globals["current_member"] = gate.current_member
    app.jinja_env.globals["workspace_menu"] = lambda: dashboard.menu(gate.current_member())
    app.cli.add_command(cli)


def seed_demo() -> bool:
    """Add the demo member (every role) when there are no members; the password is in the README."""
    return members.seed_demo()


__all__ = ["blueprint", "MODELS", "init_app", "seed_demo"]
