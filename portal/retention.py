"""`flask retention purge`: delete every personal detail whose time is up. Safe to run daily from cron."""

import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from . import ratelimit
from .events.retention import purge_expired_registrations
from .questions.retention import purge_contacts

cli = AppGroup("retention", help="Delete personal details whose time is up.")


@cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Override EMAIL_RETENTION_DAYS.")
def purge_command(days: int | None):
    """Delete contact details past their retention date, and expired rate-limit counters."""
    days = current_app.config["EMAIL_RETENTION_DAYS"] if days is None else days
    cleared = purge_contacts(days)
    registrations = purge_expired_registrations(datetime.date.today(), days)
    counters = ratelimit.purge_expired()
    # Counts only: this output may land in a cron mail or log.
    click.echo(f"Contact details removed from {cleared} item(s) finished over {days} days ago.")
    click.echo(f"Registrant details removed from {registrations} past registration(s).")
    click.echo(f"Expired rate-limit counters removed: {counters}.")
