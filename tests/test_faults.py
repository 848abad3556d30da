"""Gunicorn workers killed with SIGKILL in the middle of a write, during a burst of submissions.

The test finds a worker inside a write transaction and kills exactly that process: on SQLite the
one holding the WAL write lock (seen in /proc/locks); on PostgreSQL one held half-way through a
registration (its registration row inserted, its private link not yet) by a lock the test takes.
Afterwards every acknowledged submission is stored, every stored row is whole and consistent,
nothing points at a row that is not there, and the server still takes submissions.
"""

import os
import re
import signal
import sqlite3
import threading
import time
from pathlib import Path

import psycopg2
import pytest

from tests.servers import Burst, Gunicorn
from tests.test_load import CLIENTS, Stored, consistency_problems, run_marker, start_portal

pytestmark = pytest.mark.slow

SUBMISSIONS = 400
KILLS = 3
# What a browser may see when the worker serving it dies: the connection simply goes.
DROPPED = re.compile(r"RemoteDisconnected|ConnectionResetError|BadStatusLine|IncompleteRead|BrokenPipe")


def sqlite_writer(path: str, workers: list[int]) -> int | None:
    """Return the worker holding SQLite's WAL write lock (byte 120 of the -shm file), if one does."""
    try:
        inode = f":{os.stat(path + '-shm').st_ino}"
    except FileNotFoundError:
        return None  # no connection open just now: SQLite removed the shared-memory file
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()  # 1: POSIX  ADVISORY  WRITE 1234 00:2b:5678 120 120 (waiters have "->")
        if len(fields) < 8 or fields[1] != "POSIX" or fields[3] != "WRITE":
            continue
        pid, file, start = int(fields[4]), fields[5], fields[6]
        if file.endswith(inode) and start == "120" and pid in workers:
            return pid
    return None


def socket_owners(workers: list[int]) -> dict[int, int]:
    """Return {local TCP port: worker pid} for the workers' open connections."""
    inodes = {}
    for pid in workers:
        folder = Path(f"/proc/{pid}/fd")
        for fd in folder.iterdir() if folder.exists() else []:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    owners = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            owners[int(fields[1].split(":")[1], 16)] = inodes[fields[9]]
    return owners


class PostgresWatch:
    """Catch a worker half-way through a registration and kill it there.

    The watcher locks the private-link table, so the next registration blocks after inserting its
    registration row and before inserting its link: a write transaction provably half done. That
    worker is killed, then the lock is let go.
    """

    def __init__(self, url: str):
        self.database = url.rsplit("/", 1)[1]
        self.locker = psycopg2.connect(url)
        self.looker = psycopg2.connect(url)
        self.looker.autocommit = True

    def _blocked_ports(self) -> list[int]:
        with self.looker.cursor() as cursor:
            cursor.execute(
                "SELECT client_port FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND backend_xid IS NOT NULL AND query LIKE 'INSERT INTO \"access_link\"%%'",
                (self.database,),
            )
            return [row[0] for row in cursor.fetchall()]

    def kill_a_writer(self, workers: list[int]) -> int | None:
        with self.locker.cursor() as cursor:
            cursor.execute('LOCK TABLE "access_link" IN SHARE MODE')
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                ports = self._blocked_ports()
                owners = socket_owners(workers) if ports else {}
                pid = next((owners[port] for port in ports if port in owners), None)
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                    return pid
                time.sleep(0.005)
            return None
        finally:
            self.locker.rollback()

    def close(self) -> None:
        self.locker.close()
        self.looker.close()


def sqlite_killer(path: str):
    """Return a function that kills the worker holding SQLite's write lock, if one does right now."""

    def kill_a_writer(workers: list[int]) -> int | None:
        pid = sqlite_writer(path, workers)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        return pid

    return kill_a_writer


class Killer(threading.Thread):
    """Kill KILLS workers, each caught inside a write transaction, while the burst runs."""

    def __init__(self, server: Gunicorn, kill_a_writer):
        super().__init__(daemon=True)
        self.server, self.kill_a_writer = server, kill_a_writer
        self.killed: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        time.sleep(0.5)  # let the burst get going
        deadline = time.monotonic() + 60
        while len(self.killed) < KILLS and time.monotonic() < deadline and not self.done.is_set():
            workers = self.server.worker_pids()
            pid = self.kill_a_writer(workers)
            if pid is None:
                time.sleep(0.001)
                continue
            self.killed.append(pid)
            self.server.wait_for_workers(len(workers))
            time.sleep(0.3)


def test_a_worker_killed_mid_write_loses_no_acknowledged_submission(database_url, tmp_path):
    server = start_portal(database_url, tmp_path, debug_log=False)
    watch = None
    try:
        burst = Burst(server.url, run_marker(), clients=CLIENTS)
        if database_url.startswith("sqlite"):
            path = database_url.removeprefix("sqlite:///")
            killer = Killer(server, sqlite_killer(path))
        else:
            watch = PostgresWatch(database_url)
            killer = Killer(server, watch.kill_a_writer)
        killer.start()
        sent = burst.send(SUBMISSIONS)
        killer.done.set()
        killer.join()
        after = burst.send(CLIENTS, first=SUBMISSIONS)  # the server still takes submissions afterwards
    finally:
        if watch:
            watch.close()
        log = server.stop()

    everything = sent + after
    dropped = [s for s in sent if s.error and DROPPED.search(s.error)]
    other_failures = [f"{s.number} ({s.kind}): {s.error}" for s in everything if s.error and s not in dropped]
    stored = Stored(database_url, server.secret_key, burst.run)
    acknowledged = sum(1 for s in everything if s.receipt)
    print(
        f"\n{database_url.split(':')[0]}: killed {len(killer.killed)} workers mid-write during {SUBMISSIONS}"
        f" submissions; {len(dropped)} browsers saw the connection drop; {acknowledged} acknowledged,"
        f" {len(stored)} stored ({len(stored) - acknowledged} stored without an acknowledgement)"
    )

    assert len(killer.killed) == KILLS, "no worker was caught inside a write transaction"
    assert log.count("was sent SIGKILL") + log.count("exited with code") + log.count("signal 9") >= KILLS
    assert other_failures == [], "\n".join(other_failures[:20])
    # A sync worker serves one request at a time: each kill drops at most one browser, and at least
    # one kill must have landed while a request was being served.
    assert 1 <= len(dropped) <= KILLS
    if database_url.startswith("postgresql"):
        assert len(dropped) == KILLS  # each killed worker was blocked inside its request
    assert not [s for s in everything if any(status >= 500 for status in s.statuses)]
    assert all(s.receipt for s in after)
    assert consistency_problems(burst, everything, stored, server.secret_key) == []
    assert acknowledged <= len(stored) <= acknowledged + len(dropped)
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
