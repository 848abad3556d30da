"""The short lists people choose from, and the words shown for each stored key."""

from flask_babel import lazy_gettext as _l

QUESTION, FEEDBACK, JOIN = "question", "feedback", "join"
KINDS = (QUESTION, FEEDBACK, JOIN)

TOPICS = (
    ("how-it-works", _l("How LEAD works")),
    ("results", _l("Results and fairness")),
    ("safety", _l("Public safety and the police")),
    ("services", _l("Services and support")),
    ("businesses", _l("Businesses and neighbors")),
    ("clt", _l("The CLT and this website")),
    ("other", _l("Something else")),
)
TOPIC_KEYS = tuple(key for key, _label in TOPICS)

RELATIONSHIPS = (
    ("", _l("Prefer not to say")),
    ("resident", _l("I live in Albany")),
    ("business", _l("I own or work at a business")),
    ("provider", _l("I work for a service provider")),
    ("participant", _l("I take part in LEAD, or my family member does")),
    ("other", _l("Something else")),
)

# States of a submission; the workspace moves items between them through workflow.py.
RECEIVED, REVIEWING, DISCUSSED, ANSWERED, REPLIED, CLOSED, HIDDEN = (
    "received",
    "reviewing",
    "discussed",
    "answered",
    "replied",
    "closed",
    "hidden",
)
STATUSES = (RECEIVED, REVIEWING, DISCUSSED, ANSWERED, REPLIED, CLOSED, HIDDEN)

PERSONAL_LABELS = {
    "phone": _l("a phone number"),
    "email": _l("an email address"),
    "address": _l("a street address or apartment number"),
    "birth-date": _l("a date that may be a date of birth"),
    "case-number": _l("a case, arrest or ID number"),
}


def topic_label(key: str):
    """Return the label for a topic key (unknown keys read as 'Something else')."""
    return dict(TOPICS).get(key) or dict(TOPICS)["other"]
