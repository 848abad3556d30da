"""The CLT moderation workspace: review queue, answers and replies, meeting packet, digest, accountability."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from . import answer_templates, digest, public_views
from .models import MODELS
from .views import blueprint

cli = AppGroup("moderation", help="The moderators' daily digest (safe to run from cron).")


@cli.command("digest")
def digest_command():
    """Email opted-in moderators how many new items arrived since the last digest (counts only)."""
    # No request here, so no Accept-Language: the email goes out in the default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        new, sent = digest.run()
    click.echo(f"New items: {new}. Digests sent: {sent}.")


def init_app(app) -> None:
    """Register the public accountability page and `flask moderation digest`."""
    app.register_blueprint(public_views.blueprint)
    app.cli.add_command(cli)


def seed_demo() -> bool:
    """Add a couple of saved answer templates when there are none."""
    return answer_templates.seed_demo()


__all__ = ["blueprint", "MODELS", "init_app", "seed_demo"]
