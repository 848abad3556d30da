"""The workspace menu: what the signed-in member's roles let them do, for pages that exist."""

from dataclasses import dataclass, replace

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


@dataclass(frozen=True)
class Item:
    """One workspace destination."""

    path: str
    label: str
    description: str
    role: str | None


# Other features build these pages later; an item shows only once its route exists.
ITEMS = (
    Item("/workspace/", _l("Workspace home"), _l("What you can do here."), None),
    Item(
        "/workspace/moderation/",
        _l("Questions and feedback"),
        _l("Review, answer and publish what the community sends."),
        "moderator",
    ),
    Item(
        "/workspace/events/",
        _l("Sessions and meetings"),
        _l("Run education sessions and prepare CLT meeting packets."),
        "organizer",
    ),
    Item(
        "/workspace/outcomes/",
        _l("Outcome releases"),
        _l("Check and publish disclosure-controlled outcome releases."),
        "data_steward",
    ),
    Item(
        "/workspace/members", _l("Members"), _l("Invite members, change roles, issue reset links."), "admin"
    ),
    Item("/workspace/audit", _l("Audit log"), _l("Read who did what, when and why."), "admin"),
    Item("/workspace/account", _l("Your account"), _l("Change your password and second factor."), None),
)


def existing_path(path: str) -> str | None:
    """Return the path (with or without its trailing slash) a GET can reach, or None."""
    adapter = current_app.url_map.bind("localhost")
    for candidate in dict.fromkeys((path, path.rstrip("/") or "/")):
        try:
            endpoint, _args = adapter.match(candidate, method="GET")
        except RequestRedirect:
            return candidate
        except HTTPException:
            continue
        if endpoint in current_app.view_functions:
            return candidate
    return None


def menu(member) -> list[Item]:
    """Return the items this member may open, in menu order, with the paths that exist."""
    if member is None:
        return []
    found = []
    for item in ITEMS:
        if item.role is None or member.holds(item.role):
            path = existing_path(item.path)
            if path:
                found.append(replace(item, path=path))
    return found
