"""1,000 submissions from 32 browsers at once, through the real forms, under gunicorn with 4 workers.

On SQLite and on PostgreSQL: every acknowledged submission is stored exactly once and its
receipt code (or private link) matches what was stored, no request fails, and neither
gunicorn's log nor the app's (at DEBUG, SQL included) holds anything a person typed, their
email, their receipt code or link, or their address.
"""

import json
import re
import secrets
import statistics
import string
import time

import pytest

from portal import create_app
from portal.events.links import MANAGE, digest
from portal.events.models import AccessLink, Registration
from portal.questions import receipts
from portal.questions.models import Submission
from tests.conftest import free_port
from tests.servers import KINDS, Burst, Gunicorn, Sent

pytestmark = pytest.mark.slow

SUBMISSIONS = 1000
CLIENTS = 32
WORKERS = 4


def run_marker() -> str:
    """Return letters that start every marker of one run."""
    return "lt" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))


def start_portal(database_url: str, folder, debug_log: bool = True) -> Gunicorn:
    """Start the portal in production mode with demo content; log at DEBUG (every SQL statement) if asked."""
    environment = {}
    if debug_log:
        config = folder / "logging.json"
        quiet = {"propagate": False}
        loggers = {
            "gunicorn.error": {"level": "DEBUG", "handlers": ["error_console"], **quiet},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], **quiet},
        }
        root = {"level": "DEBUG", "handlers": ["error_console"]}
        config.write_text(json.dumps({"root": root, "loggers": loggers}))
        environment["GUNICORN_CMD_ARGS"] = f"--log-config-json {config}"
    server = Gunicorn(
        free_port(),
        database_url,
        folder,
        workers=WORKERS,
        demo=True,
        environment=environment,
        ENV="production",
        MIN_FILL_SECONDS=0,
        SUBMISSIONS_PER_HOUR=100_000,
    )
    return server.start()


def number_of(marker: str, run: str) -> int:
    """Read back the submission number spelled in a marker's letters."""
    number = 0
    for letter in marker.removeprefix(run):
        number = number * 26 + ord(letter) - ord("a")
    return number


class Stored:
    """What the database holds for one run, read through the app's own models."""

    def __init__(self, database_url: str, secret: str, run: str):
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret, "ENV": "development"})
        with app.app_context():
            # Only the columns checked here: other features may add columns in their own migrations.
            s, r = Submission, Registration
            columns = (s.id, s.kind, s.message, s.email, s.name, s.receipt_hash, s.created_on)
            self.submissions = list(s.select(*columns).where(s.message.contains(run)))
            columns = (r.id, r.business_name, r.contact_name, r.email, r.attendees, r.accessibility_needs)
            self.registrations = list(r.select(*columns).where(r.business_name.contains(run)))
            self.links: dict[int, list[str]] = {}
            links = AccessLink.select(AccessLink.registration, AccessLink.token_hash)
            for link in links.where(AccessLink.purpose == MANAGE):
                self.links.setdefault(link.registration_id, []).append(link.token_hash)
            registration_ids = {r.id for r in Registration.select(Registration.id)}
        self.orphan_links = sorted(set(self.links) - registration_ids)

    def __len__(self) -> int:
        return len(self.submissions) + len(self.registrations)


def consistency_problems(burst: Burst, sent: list[Sent], stored: Stored, secret: str) -> list[str]:
    """Return every acknowledged submission that is missing, and every stored row that is not whole."""
    problems = []
    marker = re.compile(rf"{burst.run}[a-z]{{4}}")
    acknowledged = {s.number: s for s in sent if s.receipt}
    found: dict[int, int] = {}

    def check(row_marker: str | None, kind: str, fields: dict, row_id: int) -> int | None:
        if row_marker is None:
            problems.append(f"{kind} row {row_id} carries no marker: {fields}")
            return None
        number = number_of(row_marker, burst.run)
        found[number] = found.get(number, 0) + 1
        expected = burst.expected(number)
        wrong = {k: v for k, v in fields.items() if str(v) != expected[k]}
        if KINDS[number % len(KINDS)] != kind or wrong:
            problems.append(f"{kind} row {row_id} (submission {number}) is not whole: {wrong}")
        return number

    for row in stored.submissions:
        fields = {"message": row.message, "email": row.email}
        if row.kind == "join":
            fields["name"] = row.name
        kind = {"question": "ask"}.get(row.kind, row.kind)
        number = check(next(iter(marker.findall(row.message)), None), kind, fields, row.id)
        if not re.fullmatch(r"[0-9a-f]{64}", row.receipt_hash or "") or row.created_on is None:
            problems.append(f"submission row {row.id} has no receipt hash or date")
        code = acknowledged[number].receipt if number in acknowledged else None
        if code and row.receipt_hash != receipts.keyed_hash(code, secret):
            problems.append(f"submission {number}: the stored hash does not match its receipt code")
    for row in stored.registrations:
        fields = {
            "business_name": row.business_name,
            "contact_name": row.contact_name,
            "email": row.email,
            "attendees": row.attendees,
            "accessibility_needs": row.accessibility_needs,
        }
        number = check(next(iter(marker.findall(row.business_name)), None), "register", fields, row.id)
        if not stored.links.get(row.id):
            problems.append(f"registration row {row.id} has no private link (half-written)")
        token = acknowledged[number].receipt if number in acknowledged else None
        if token and digest(token) not in stored.links.get(row.id, []):
            problems.append(f"registration {number}: its private link is not the one stored")
    problems += [f"submission {n} is stored {count} times" for n, count in found.items() if count > 1]
    problems += [f"acknowledged submission {n} is not stored" for n in sorted(set(acknowledged) - set(found))]
    problems += [f"private link for missing registration {rid}" for rid in stored.orphan_links]
    return problems


def private_text_in(log: str, burst: Burst, sent: list[Sent]) -> list[str]:
    """Return anything in a log that a person typed or was given, or a client address."""
    found = []
    if burst.run in log:
        found.append(f"a submitted text or email (marker {burst.run}...)")
    if "@example.org" in log:
        found.append("an email address")
    addresses = burst.addresses()
    found += [f"client address {address}" for address in addresses if re.search(rf"\b{address}\b", log)]
    found += [f"receipt or link of submission {s.number}" for s in sent if s.receipt and s.receipt in log]
    return found


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def test_a_thousand_concurrent_submissions_lose_nothing(database_url, tmp_path):
    server = start_portal(database_url, tmp_path)
    try:
        burst = Burst(server.url, run_marker(), clients=CLIENTS)
        refused = burst.send_malformed()
        began = time.perf_counter()
        sent = burst.send(SUBMISSIONS)
        wall = time.perf_counter() - began
    finally:
        log = server.stop()
    failed = [f"{s.number} ({s.kind}): {s.error}" for s in sent if s.error]
    server_errors = [s for s in sent if any(status >= 500 for status in s.statuses)]
    stored = Stored(database_url, server.secret_key, burst.run)
    kinds = {kind: sum(1 for s in sent if s.kind == kind) for kind in dict.fromkeys(KINDS)}
    latency = p99([s.seconds for s in sent]) * 1000
    print(
        f"\n{database_url.split(':')[0]}: {len(sent)} submissions {kinds} from {CLIENTS} browsers, "
        f"{WORKERS} workers, in {wall:.1f} s: {len(sent) / wall:.0f}/s, p99 {latency:.0f} ms per submission"
        f" (GET form, POST, GET answer); stored {len(stored)}; log {len(log.splitlines())} lines"
    )

    assert not any(answer.startswith(b"HTTP/1.1 5") for answer in refused), refused
    assert failed == [], f"{len(failed)} failed:\n" + "\n".join(failed[:20])
    assert server_errors == []
    assert len(stored) == SUBMISSIONS
    assert consistency_problems(burst, sent, stored, server.secret_key) == []
    assert "Traceback" not in log and "[ERROR]" not in log, log[-3000:]
    assert private_text_in(log, burst, sent) == []
    # The log check means something only if the app's own DEBUG lines (SQL) really are in the log.
    assert "values withheld" in log
