"""Delete the contact details people gave with questions, feedback and join requests, on schedule.

An email address (and, for join requests, a name and phone number) is removed
EMAIL_RETENTION_DAYS days after the CLT finished with the item (answered, replied, closed or
hidden). The message itself stays for the CLT's records until the person withdraws it.
"""

import datetime

from ..db import writing
from .models import Submission, today


def purge_contacts(days: int, on: datetime.date | None = None) -> int:
    """Clear contact details from items finished at least `days` days ago; return how many."""
    if days < 0:
        raise ValueError("days must be zero or more")
    cutoff = (on or today()) - datetime.timedelta(days=days)
    with writing():
        ids = [item.id for item in Submission.contacts_expired(cutoff)]
        if ids:
            Submission.update(email=None, name=None, phone=None).where(Submission.id.in_(ids)).execute()
    return len(ids)
