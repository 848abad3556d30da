"""Run the real portal under gunicorn on loopback, and visit it the way a browser does."""

import concurrent.futures
import http.client
import os
import queue
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """A gunicorn master with N workers serving wsgi:app; its log goes to a file we can read."""

    def __init__(
        self,
        port: int,
        database_url: str,
        folder: Path,
        workers: int = 4,
        demo: bool = False,
        environment: dict | None = None,
        **settings,
    ):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / "gunicorn.log"
        self.demo = demo
        self.env = {
            **os.environ,
            "PORT": str(port),
            "WORKERS": str(workers),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_MAIL_OUTBOX": str(folder / "outbox"),
            **{f"PORTAL_{key}": str(value) for key, value in settings.items()},
            **(environment or {}),
        }
        self.process = None

    @property
    def secret_key(self) -> str:
        return self.env["SECRET_KEY"]

    def start(self) -> "Gunicorn":
        """Create the tables (and the demo content when asked), start the server and wait until it answers."""
        python = str(Path(sys.executable))
        subprocess.run(
            [python, "-m", "flask", "--app", "wsgi", "db", "init", *(["--demo"] if self.demo else [])],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                # S310: self.url is always http://127.0.0.1:<port>, our own server.
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; log:\n{self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        """Return the process ids of the current workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def wait_for_workers(self, count: int, timeout: float = 30) -> list[int]:
        """Wait until the master runs `count` workers again (after a kill); return their ids."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == count:
                return pids
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn runs {len(self.worker_pids())} workers, not {count}")

    def stop(self) -> str:
        """Stop the server; return its log."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(errors="replace")


@dataclass
class Reply:
    """One HTTP response as a visitor saw it."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


@dataclass
class Visitor:
    """One browser: its own cookies and its own loopback source address (127.0.0.0/8 is all loopback).

    Speaks plain HTTP/1.1 through http.client, one connection per request, as gunicorn's sync
    workers close each connection anyway. Redirects are not followed: the caller sees each step.
    """

    base_url: str
    source: str = "127.0.0.1"
    timeout: float = 60
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """Send one request with this visitor's cookies; remember the cookies it sets."""
        parts = urllib.parse.urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=self.timeout, source_address=(self.source, 0)
        )
        sent = {"Accept": "text/html", "User-Agent": "portal-tests"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        reply = Reply(response.status, response.headers, data, time.perf_counter() - began)
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return reply

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, pairs: list[tuple[str, str]]) -> Reply:
        return self.request("POST", path, urllib.parse.urlencode(pairs).encode())


# Which form each submission number goes through: mostly questions and feedback, as in life.
KINDS = ("ask", "ask", "ask", "ask", "feedback", "feedback", "feedback", "join", "join", "register")


def letters(number: int, width: int = 4) -> str:
    """Spell a number in letters only (aaaa, aaab, ...): markers never look like a phone or date."""
    word = ""
    for _ in range(width):
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
    return word


@dataclass
class Sent:
    """One submission as the browser saw it; `receipt` is the code or private-link token it was given."""

    number: int
    kind: str
    marker: str
    receipt: str | None = None
    statuses: list[int] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


class Burst:
    """Many browsers sending the real forms at once: GET the form, POST it like a browser, read the answer.

    Every submission carries a unique marker of letters in every field a person types, so what is
    stored (and what must never be logged) can be traced back to exactly one submission.
    """

    def __init__(self, base_url: str, run: str, clients: int = 32, register_path: str | None = None):
        self.base_url = base_url
        self.run = run
        self.clients = clients
        self.register_path = register_path or self._register_path()

    def _register_path(self) -> str:
        """Find an upcoming session's registration form from the events page, as a visitor would."""
        from tests.crawler import parse_page

        visitor = Visitor(self.base_url)
        for event_path in parse_page(visitor.get("/events").text, "/events").links:
            if re.fullmatch(r"/events/\d+-[\w-]+", event_path):
                for link in parse_page(visitor.get(event_path).text, event_path).links:
                    if re.fullmatch(r"/events/\d+/register", link):
                        return link
        raise RuntimeError("no event on /events takes registrations (is the demo content there?)")

    def marker(self, number: int) -> str:
        return f"{self.run}{letters(number)}"

    def expected(self, number: int) -> dict:
        """Return what the person typed for submission `number`, field by field."""
        marker, kind = self.marker(number), KINDS[number % len(KINDS)]
        email = f"{marker}@example.org"
        if kind == "register":
            return {
                "business_name": f"Business {marker}",
                "contact_name": f"Contact {marker}",
                "email": email,
                "attendees": "1",
                "accessibility_needs": f"Step-free entrance please {marker}",
            }
        if kind == "join":
            return {"name": f"Person {marker}", "email": email, "message": f"I would like to help {marker}"}
        return {"message": f"How do referrals work in Albany {marker}", "email": email}

    def submit(self, visitor: Visitor, number: int) -> Sent:
        """Send submission `number` through its form; any surprise is noted in `error`."""
        from tests.crawler import parse_page, receipt_code, valid_pairs

        kind = KINDS[number % len(KINDS)]
        sent = Sent(number, kind, self.marker(number))
        path = self.register_path if kind == "register" else f"/{kind}"
        began = time.perf_counter()
        try:
            page = visitor.get(path)
            sent.statuses.append(page.status)
            forms = [f for f in parse_page(page.text, path).forms if f.action == path and f.method == "post"]
            if page.status != 200 or not forms:
                sent.error = f"GET {path} gave {page.status} without the form"
                return sent
            reply = visitor.post(path, valid_pairs(forms[0], self.expected(number)))
            sent.statuses.append(reply.status)
            wanted = "/events/manage/" if kind == "register" else "/sent"
            if reply.status not in (302, 303) or not reply.location.startswith(wanted):
                sent.error = f"POST {path} gave {reply.status} to {reply.location!r}, not {wanted}"
                return sent
            shown = visitor.get(reply.location)
            sent.statuses.append(shown.status)
            if kind == "register":
                sent.receipt = reply.location.removeprefix("/events/manage/") if shown.status == 200 else None
            else:
                sent.receipt = receipt_code(shown.text)
            if sent.receipt is None:
                sent.error = f"GET {reply.location} gave {shown.status} without a receipt"
        except (OSError, http.client.HTTPException) as error:
            sent.error = f"{type(error).__name__}: {error}"
        finally:
            sent.seconds = time.perf_counter() - began
        return sent

    def send(self, count: int, first: int = 0) -> list[Sent]:
        """Send `count` submissions from `clients` browsers at once; return them in number order."""
        numbers = queue.SimpleQueue()
        for number in range(first, first + count):
            numbers.put(number)
        results: list[Sent] = []

        def browse(client: int) -> None:
            visitor = Visitor(self.base_url, source=f"127.0.0.{100 + client}")
            while True:
                try:
                    number = numbers.get_nowait()
                except queue.Empty:
                    return
                results.append(self.submit(visitor, number))

        with concurrent.futures.ThreadPoolExecutor(self.clients) as pool:
            for done in [pool.submit(browse, client) for client in range(self.clients)]:
                done.result()
        return sorted(results, key=lambda sent: sent.number)

    def send_malformed(self) -> list[bytes]:
        """Send requests gunicorn must refuse, as robots do, from the browsers' addresses; return the answers.

        Its warnings about them must not name the client, nor quote a query string a person typed.
        """
        parts = urllib.parse.urlsplit(self.base_url)
        requests = (
            f"GET /search?q=Where+is+{self.marker(0)} HTTP/1.1\x00\r\nHost: x\r\n\r\n".encode(),
            b"GET / HTTP/1.1\r\nHost: x\r\nNot a header line\r\n\r\n",
            b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n",
        )
        answers = []
        for number, raw in enumerate(requests):
            address = (f"127.0.0.{100 + number % self.clients}", 0)
            with socket.create_connection((parts.hostname, parts.port), 10, address) as connection:
                connection.sendall(raw)
                answers.append(connection.recv(100))
        return answers

    def addresses(self) -> list[str]:
        """Return the client addresses the browsers used (none may appear in a log)."""
        return [f"127.0.0.{100 + client}" for client in range(self.clients)]
