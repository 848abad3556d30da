"""Start and stop a throwaway PostgreSQL cluster on a loopback port for the tests."""

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

SEARCH = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]


def find_bin(name: str) -> str | None:
    """Return the path of a PostgreSQL server program, or None when it is not installed."""
    for folder in SEARCH:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root; run its programs as the 'postgres' user then."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    """A PostgreSQL server in a temporary folder, trusting local connections only."""

    def __init__(self, port: int):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.folder / "data"
        self.prefix = _as_postgres_user()
        self._connection = None
        self._numbers = itertools.count(1)

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        """Create and start the cluster; return a DATABASE_URL for a fresh database."""
        if self.prefix:
            shutil.chown(self.folder, user="postgres")
        self._run(
            find_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "portal", "--no-sync", "-E", "UTF8"
        )
        settings = "-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        options = f"-p {self.port} -k {self.folder} {settings}"
        self._run(
            find_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        return self.create_database("portal_test")

    def _admin(self):
        """Return a connection to the maintenance database, opened once the server answers."""
        if self._connection is None:
            url = f"postgresql://portal@127.0.0.1:{self.port}/postgres"
            for _ in range(50):
                try:
                    self._connection = psycopg2.connect(url)
                    break
                except psycopg2.OperationalError:
                    time.sleep(0.1)
            self._connection.autocommit = True
        return self._connection

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (named, or numbered in order) and return its URL."""
        name = name or f"t{next(self._numbers)}"
        with self._admin().cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://portal@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        """Drop a database, ending any connection a test left open to it."""
        name = url.rsplit("/", 1)[1]
        with self._admin().cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self._connection is not None:
            self._connection.close()
        try:
            self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
