"""Why an item may be hidden: the categories /accountability counts, and how a stored reason maps to one.

The stored reason is "<category>" or "<category>: <the member's words>". Only the category is
ever shown in public; the words stay in the workspace and the audit log.
"""

from flask_babel import lazy_gettext as _l

SPAM = "spam"
REASONS = (
    (SPAM, _l("Spam or advertising")),
    ("abuse", _l("Abusive, hateful or threatening")),
    ("personal", _l("Names or describes someone who could be identified")),
    ("off-topic", _l("Not about LEAD or the CLT")),
    ("other", _l("Another reason")),
)
KEYS = tuple(key for key, _label in REASONS)
DETAIL_MAX = 150


def stored_reason(category: str, detail: str = "") -> str:
    """Return the text kept in Submission.hidden_reason for a category and optional words."""
    if category not in KEYS:
        raise ValueError(f"unknown hiding reason {category!r}")
    detail = " ".join((detail or "").split())[:DETAIL_MAX]
    return f"{category}: {detail}" if detail else category


def category(stored: str | None) -> str:
    """Return the category of a stored reason ('other' for anything unrecognised)."""
    key = (stored or "").split(":", 1)[0].strip()
    return key if key in KEYS else "other"


def label(key: str):
    """Return the words for a category."""
    return dict(REASONS).get(key, dict(REASONS)["other"])
