"""Back up and restore the database: SQLite's online backup API, or pg_dump / pg_restore."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from .db import db


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _pg_tool(name: str) -> str:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _pg_args(url: str) -> list[str]:
    parts = urlparse(url)
    args = ["--host", parts.hostname or "localhost", "--port", str(parts.port or 5432)]
    if parts.username:
        args += ["--username", parts.username]
    return [*args, "--dbname", parts.path.lstrip("/")]


def _pg_env(url: str) -> dict:
    password = urlparse(url).password
    return {"PGPASSWORD": password} if password else {}


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at url to target."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url)], url)


def restore(url: str, source: Path) -> None:
    """Replace the contents of the database at url with the backup in source."""
    if not db.is_closed():
        db.close()
    if url.startswith("sqlite:///"):
        try:
            with sqlite3.connect(source) as backup_db, sqlite3.connect(_sqlite_path(url)) as live:
                backup_db.execute("PRAGMA schema_version")
                backup_db.backup(live)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup: {error}") from None
        return
    if not _is_pg_archive(source):
        raise BackupError(
            f"{source} is not a PostgreSQL backup made by `flask db backup` (pg_dump's custom format)"
        )
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_args(url),
            str(source),
        ],
        url,
    )


def _is_pg_archive(source: Path) -> bool:
    """Say whether source starts like a pg_dump custom-format archive."""
    try:
        with open(source, "rb") as file:
            return file.read(5) == b"PGDMP"
    except OSError:
        return False


def _run(command: list[str], url: str) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **_pg_env(url)}, timeout=600
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")
