"""Business education sessions, CLT meetings and community forums: registration, calendars, evaluations."""

import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from . import demo, localtime, reminders
from .models import MODELS
from .retention import purge_expired_registrations
from .views import blueprint
from .workspace import workspace

cli = AppGroup("events", help="Event reminders, evaluation links and clean-up (safe to run from cron).")


@cli.command("remind")
def remind_command():
    """Send tomorrow's reminders and the evaluation links for sessions that just ended."""
    now = localtime.utcnow()
    # No request here, so no Accept-Language: the emails go out in the default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        reminded = reminders.send_reminders(now)
        invited = reminders.send_evaluation_invites(now)
    click.echo(f"Reminders sent: {reminded}. Evaluation links sent: {invited}.")


@cli.command("purge")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Pretend today is this date (YYYY-MM-DD)."
)
def purge_command(today: datetime.datetime | None):
    """Delete registrants' contact details 90 days after their event."""
    day = today.date() if today else localtime.local_today()
    click.echo(f"Registrations purged: {purge_expired_registrations(day)}.")


def init_app(app) -> None:
    """Register the workspace pages and the `flask events` commands."""
    app.register_blueprint(workspace)
    app.cli.add_command(cli)


def seed_demo() -> bool:
    """Add demo sessions and meetings when there are no events yet."""
    return demo.seed()


__all__ = ["MODELS", "blueprint", "init_app", "purge_expired_registrations", "seed_demo", "workspace"]
