"""The one gate in front of the CLT workspace: a signed-in, active member with the right role.

`protect(blueprint, role)` attaches it to a workspace blueprint. As a backstop, `close_workspace`
runs for every request under /workspace and refuses any route whose blueprint was never
protected, so a forgotten `protect` call fails closed. Admins do NOT hold the other roles
implicitly: each duty is granted on its own (an admin who moderates also gets "moderator").
"""

import functools
import logging

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from . import sessions
from .models import ROLES

log = logging.getLogger(__name__)

__all__ = ["ROLES", "ALLOWED_ENDPOINTS", "protect", "current_member", "required_role", "is_workspace"]

PREFIX = "/workspace"
SESSION_KEY = "workspace_session"
# The only workspace routes open without a session: everything else needs a member.
ALLOWED_ENDPOINTS = frozenset(
    {"accounts.sign_in", "accounts.sign_in_code", "accounts.sign_out", "accounts.invitation"}
)
# Blueprint name -> the role it needs (None: any signed-in member). Filled by protect().
_PROTECTED: dict[str, str | None] = {}


def is_workspace(path: str) -> bool:
    """Return True for /workspace and everything under it."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def current_member():
    """Return the signed-in, active Member for this request, or None."""
    if "accounts_member" not in g:
        found = sessions.load(session.get(SESSION_KEY))
        if found.member is None and not found.pending and SESSION_KEY in session:
            session.pop(SESSION_KEY)
        g.accounts_member = found.member
        g.accounts_session_expired = found.expired
    return g.accounts_member


def required_role(endpoint: str):
    """Return (protected, role) for an endpoint: whether a gate covers it and the role it needs."""
    blueprint = endpoint.rpartition(".")[0]
    for name in _blueprint_chain(blueprint):
        if name in _PROTECTED:
            return True, _PROTECTED[name]
    return False, None


def _blueprint_chain(name: str) -> list[str]:
    parts = name.split(".") if name else []
    return [".".join(parts[: i + 1]) for i in range(len(parts) - 1, -1, -1)]


def protect(blueprint: Blueprint, role: str | None) -> Blueprint:
    """Require a signed-in member (holding `role`, if given) for every route of the blueprint."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {ROLES}")
    _PROTECTED[blueprint.name] = role
    blueprint.before_request(functools.partial(_check, role))
    blueprint.after_request(no_store)
    return blueprint


def _check(role: str | None):
    if request.endpoint in ALLOWED_ENDPOINTS:
        return None
    member = current_member()
    if member is None:
        return ask_to_sign_in()
    if role is not None and not member.holds(role):
        return refuse(403, role)
    return None


def close_workspace():
    """Refuse requests under /workspace that no protected blueprint covers (runs app-wide)."""
    if not is_workspace(request.path) or request.endpoint in ALLOWED_ENDPOINTS:
        return None
    if request.endpoint and required_role(request.endpoint)[0]:
        return None  # the blueprint's own gate decides
    if current_member() is None:
        return ask_to_sign_in()
    if request.endpoint is None:
        return None  # no such page: let the 404/405 through
    log.error(
        "workspace route %s has no gate: call accounts.gate.protect() on its blueprint", request.endpoint
    )
    return refuse(403, None)


def ask_to_sign_in():
    """Send a visitor without a session to sign in (GET), or refuse the request (anything else)."""
    if getattr(g, "accounts_session_expired", False):
        flash(_("You were signed out because the session ended. Please sign in again."), "warn")
    if request.method in ("GET", "HEAD"):
        target = request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
        return redirect(url_for("accounts.sign_in", next=target))
    return refuse(401, None)


def refuse(status: int, role: str | None):
    """Render the refusal page: 401 (not signed in) or 403 (lacks the role)."""
    return render_template("accounts/refused.html", status=status, role=role), status


def no_store(response):
    """Keep workspace pages out of every cache, including the browser's back button."""
    response.headers["Cache-Control"] = "no-store"
    return response


def no_store_for_workspace(response):
    """Apply no_store to every response under /workspace, errors and redirects included."""
    return no_store(response) if is_workspace(request.path) else response
