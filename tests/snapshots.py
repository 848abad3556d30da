"""Copy a test database aside and put it back later: SQLite's backup API, PostgreSQL's templates."""

import sqlite3
from pathlib import Path

import psycopg2

from portal import db


def _close_connections() -> None:
    """Close the app's connections, so the database can be copied or replaced under it."""
    database = db.db.obj
    if hasattr(database, "close_all"):
        database.close_all()
    elif not database.is_closed():
        database.close()


def _maintenance(database_url: str):
    """Return an autocommit connection to the server's maintenance database."""
    connection = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    return connection


def _copy_postgres(database_url: str, source: str, target: str) -> None:
    """Replace database target with a copy of database source."""
    _close_connections()
    connection = _maintenance(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    finally:
        connection.close()


def take(database_url: str, folder: Path, name: str) -> str:
    """Copy the database aside under name; return what `put_back` needs to restore it."""
    if database_url.startswith("sqlite:///"):
        path = folder / f"snapshot-{name}.sqlite3"
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as live, sqlite3.connect(path) as copy:
            live.backup(copy)
        return str(path)
    live = database_url.rsplit("/", 1)[1]
    copy = f"{live}_{name}".replace("-", "_")
    _copy_postgres(database_url, live, copy)
    return copy


def put_back(database_url: str, snapshot: str) -> None:
    """Make the database what it was when the snapshot was taken."""
    if database_url.startswith("sqlite:///"):
        with (
            sqlite3.connect(snapshot) as copy,
            sqlite3.connect(database_url.removeprefix("sqlite:///")) as live,
        ):
            copy.backup(live)
        return
    _copy_postgres(database_url, snapshot, database_url.rsplit("/", 1)[1])
