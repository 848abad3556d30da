"""Commands for the database: `flask db init [--demo]`, `backup`, `restore`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from . import backups, db, migrations

db_cli = AppGroup("db", help="Create and manage the database.")


@db_cli.command("upgrade")
def upgrade_command():
    """Apply every schema migration this database has not had yet."""
    with db.db.connection_context():
        ran = migrations.upgrade()
    click.echo(f"Applied migrations: {', '.join(map(str, ran))}" if ran else "The schema is up to date.")


@db_cli.command("sql")
@click.option("--dialect", type=click.Choice(["sqlite", "postgresql"]), default="sqlite")
def sql_command(dialect: str):
    """Print the CREATE statements of the current models (to freeze a schema or review one)."""
    from peewee import PostgresqlDatabase, SqliteDatabase

    database = PostgresqlDatabase("unused") if dialect == "postgresql" else SqliteDatabase(":memory:")
    for statement in migrations.create_statements(current_app.extensions["models"], database):
        click.echo(statement + ";")


@db_cli.command("init")
@click.option("--demo", is_flag=True, help="Also add demo content when the database is empty.")
def init_command(demo: bool):
    """Bring the schema up to date and, with --demo, seed demo content once."""
    with db.db.connection_context():
        migrations.upgrade()
    if demo:
        seeded = []
        with db.db.connection_context():
            for feature in current_app.extensions["features"]:
                seed = getattr(feature, "seed_demo", None)
                if seed and seed():
                    seeded.append(feature.__name__.rsplit(".", 1)[-1])
        click.echo(f"Demo content added: {', '.join(seeded)}" if seeded else "Demo content already present.")
    click.echo("Database ready.")


@db_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_command(target: str):
    """Copy the live database to TARGET (SQLite online backup, or pg_dump for PostgreSQL)."""
    try:
        backups.backup(current_app.config["DATABASE_URL"], Path(target))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {target}")


@db_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: str, yes: bool):
    """Replace the live database's contents with the backup in SOURCE."""
    if not yes:
        click.confirm("This replaces everything in the database with the backup. Continue?", abort=True)
    try:
        backups.restore(current_app.config["DATABASE_URL"], Path(source))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}")
