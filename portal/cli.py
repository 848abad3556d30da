"""Commands for the database: `flask db init [--demo]`."""

import click
from flask import current_app
from flask.cli import AppGroup

from . import db

db_cli = AppGroup("db", help="Create and manage the database.")


@db_cli.command("init")
@click.option("--demo", is_flag=True, help="Also add demo content when the database is empty.")
def init_command(demo: bool):
    """Create missing tables and, with --demo, seed demo content once."""
    db.create_tables(current_app.extensions["models"])
    if demo:
        seeded = []
        with db.db.connection_context():
            for feature in current_app.extensions["features"]:
                seed = getattr(feature, "seed_demo", None)
                if seed and seed():
                    seeded.append(feature.__name__.rsplit(".", 1)[-1])
        click.echo(f"Demo content added: {', '.join(seeded)}" if seeded else "Demo content already present.")
    click.echo("Database ready.")
