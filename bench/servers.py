"""Start gunicorn on a free loopback port for the portal or the reference app, and stop it."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .measure import BenchError

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
START_TIMEOUT = 30


def open_url(url: str, headers: dict | None = None, timeout: float = 10):
    """Open a URL on one of the bench's own loopback servers (and nothing else)."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"the bench only fetches its own loopback servers, not {url}")
    # S310 warns about file: and custom schemes; the check above allows only loopback http.
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(folder: Path, port: int) -> dict[str, str]:
    """Return the environment of a production portal whose files all live in folder."""
    return {
        **os.environ,
        "ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "PORTAL_MAIL_OUTBOX": str(folder / "outbox"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(WORKERS),
    }


class Server:
    """gunicorn (with the project's gunicorn.conf.py) serving one WSGI app on loopback."""

    def __init__(self, name: str, app: str, folder: Path, ready_path: str = "/"):
        self.name = name
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = production_environment(folder, self.port)
        self.log = folder / f"{name}-gunicorn.log"
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        """Start gunicorn and wait until the ready path answers 200."""
        try:
            import gunicorn  # noqa: F401 (only checking that it is installed)
        except ImportError:
            raise BenchError(
                "gunicorn is not installed in the virtual environment: run `make bench`"
            ) from None
        if self.app == "wsgi:app":
            self._create_tables()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", self.app],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the bench, which stops gunicorn itself
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with open_url(self.url + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(errors="replace")[-1500:]
        raise BenchError(f"gunicorn serving {self.app} did not start within {START_TIMEOUT}s. Log:\n{tail}")

    def _create_tables(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "init"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise BenchError(f"`flask db init` failed for the bench database:\n{result.stderr[-1500:]}")

    def cpu_seconds(self) -> float | None:
        """Return the CPU time gunicorn and all its workers (live and exited) have used, or None off Linux."""
        ticks = os.sysconf("SC_CLK_TCK")
        try:
            master = self.process.pid
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            # The master's cutime/cstime already hold the workers it restarted and reaped.
            total = _process_ticks(master, with_children=True)
            for child in children:
                # A worker that exits meanwhile is counted by the master once it is reaped.
                with contextlib.suppress(FileNotFoundError):
                    total += _process_ticks(int(child))
        except (OSError, ValueError):
            return None
        return total / ticks

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _process_ticks(pid: int, with_children: bool = False) -> int:
    """Return user + system clock ticks of a process (and of its reaped children when asked)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # fields[0] is field 3 of proc(5): utime is field 14, stime 15, cutime 16, cstime 17.
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if with_children else 0)
