"""Delete contact details on schedule: `flask retention purge`, safe to run from cron every day.

An email address (and, for join requests, a name and phone number) is removed
EMAIL_RETENTION_DAYS days after the CLT finished with the item (answered, replied, closed or
hidden). The message itself stays for the CLT's records until the person withdraws it.
"""

import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from .. import ratelimit
from ..db import writing
from .models import Submission, today

cli = AppGroup("retention", help="Delete personal details whose time is up.")


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


@cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Override EMAIL_RETENTION_DAYS.")
def purge_command(days: int | None):
    """Delete contact details past their retention date and expired rate-limit counters."""
    days = current_app.config["EMAIL_RETENTION_DAYS"] if days is None else days
    cleared = purge_contacts(days)
    counters = ratelimit.purge_expired()
    # Counts only: this output may land in a cron mail or log.
    click.echo(f"Contact details removed from {cleared} item(s) finished over {days} days ago.")
    click.echo(f"Expired rate-limit counters removed: {counters}.")
