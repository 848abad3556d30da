"""The main menu: content pages that ask for a place, plus the features this app serves."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class MenuItem:
    """One link in the main menu."""

    order: int
    path: str
    label: str


# (order, endpoint, path, label): shown only when the endpoint is registered, so a feature
# appears in the menu the moment its blueprint does.
FEATURE_LINKS = (
    (25, "outcomes.dashboard_page", "/outcomes", _l("The numbers")),
    (35, "questions.answers", "/answers", _l("Answers")),
    (45, "events.index", "/events", _l("Events")),
)


def main_menu() -> list[MenuItem]:
    """Return the menu links in order."""
    items = [MenuItem(p.nav_order, p.path, p.menu_label) for p in current_app.extensions["pages"].menu()]
    items += [
        MenuItem(order, path, str(label))
        for order, endpoint, path, label in FEATURE_LINKS
        if endpoint in current_app.view_functions
    ]
    return sorted(items, key=lambda item: item.order)


def is_current(item: MenuItem, path: str) -> bool:
    """Tell whether a menu link is the page being shown (or a section it leads)."""
    return path == item.path or (item.path != "/" and path.startswith(item.path + "/"))
