"""Submissions per second and p99 latency through the real forms, on SQLite and PostgreSQL.

32 browsers at once each GET a form, POST it with its CSRF token and cookie, and GET the answer
(the receipt page, or a registrant's private page), against gunicorn with 4 workers in production
mode. The yardstick is the bench's bare Flask route under the same gunicorn settings, driven by
the same browsers doing the same three requests per unit (three GETs). Portal and reference runs
alternate, and each figure is the median of the rounds, so other work on the machine weighs on
both sides alike. The browsers and the throwaway PostgreSQL cluster are the test suite's own
(tests/servers.py, tests/postgres.py).
"""

import concurrent.futures
import secrets
import statistics
import string
import time

from .measure import BenchError, Figure
from .servers import Server, free_port

WORKERS, CLIENTS = 4, 32
ROUNDS, PER_ROUND, WARMUP = 3, 300, 64
REQUESTS_PER_UNIT = 3  # GET form, POST, GET answer; the reference does three GETs


def _p99(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=100, method="inclusive")[98]


def _portal(name: str, database_url: str, folder):
    from tests.servers import Gunicorn

    place = folder / f"submissions-{name}"
    place.mkdir()
    return Gunicorn(
        free_port(),
        database_url,
        place,
        workers=WORKERS,
        demo=True,
        ENV="production",
        MIN_FILL_SECONDS=0,
        SUBMISSIONS_PER_HOUR=1_000_000,
    ).start()


def _submissions(server, run: str, first: int, count: int) -> tuple[float, list[float]]:
    """Send `count` submissions; return (submissions per second, each one's seconds)."""
    from tests.servers import Burst

    burst = Burst(server.url, run, clients=CLIENTS)
    began = time.perf_counter()
    sent = burst.send(count, first=first)
    elapsed = time.perf_counter() - began
    failed = [s for s in sent if s.error]
    if failed:
        raise BenchError(f"{len(failed)} of {count} submissions failed, e.g. {failed[0].error}")
    return count / elapsed, [s.seconds for s in sent]


def _reference(url: str, count: int) -> tuple[float, list[float]]:
    """Do `count` units of three GETs of the reference route from the same kind of browsers."""
    from tests.servers import Visitor

    def unit(visitor) -> float:
        began = time.perf_counter()
        for _ in range(REQUESTS_PER_UNIT):
            if visitor.get("/").status != 200:
                raise BenchError("the reference route did not answer 200")
        return time.perf_counter() - began

    def browse(client: int, units: int) -> list[float]:
        visitor = Visitor(url, source=f"127.0.0.{100 + client}")
        return [unit(visitor) for _ in range(units)]

    shares = [count // CLIENTS + (1 if c < count % CLIENTS else 0) for c in range(CLIENTS)]
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        done = [pool.submit(browse, client, share) for client, share in enumerate(shares)]
        seconds = [s for future in done for s in future.result()]
    return count / (time.perf_counter() - began), seconds


def measure(run) -> list[Figure]:
    """Measure SQLite, PostgreSQL and the reference in alternating rounds; report rates, p99s and ratios."""
    from tests.postgres import Cluster, find_bin

    if not find_bin("initdb"):
        raise BenchError("PostgreSQL is not installed: `make test` installs it (apt-get install postgresql)")
    reference = Server("reference-4-workers", "bench.reference_app:app", run.folder)
    reference.env["WORKERS"] = str(WORKERS)
    cluster, postgres_url, servers = Cluster(free_port()), None, []
    try:
        reference.start()
        sqlite_url = f"sqlite:///{run.folder / 'submissions.sqlite3'}"
        servers = [("sqlite", _portal("sqlite", sqlite_url, run.folder))]
        postgres_url = cluster.start()
        servers.append(("postgresql", _portal("postgresql", postgres_url, run.folder)))
        marker = "bm" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
        results: dict[str, list[tuple[float, float]]] = {"reference": []}
        for name, server in servers:
            results[name] = []
            _submissions(server, marker, 0, WARMUP)
        _reference(reference.url, WARMUP)
        for round_number in range(ROUNDS):
            first = WARMUP + round_number * PER_ROUND
            for name, server in servers:
                rate, seconds = _submissions(server, marker, first, PER_ROUND)
                results[name].append((rate, _p99(seconds)))
            rate, seconds = _reference(reference.url, PER_ROUND)
            results["reference"].append((rate, _p99(seconds)))
    finally:
        for _name, server in servers:
            server.stop()
        reference.stop()
        if postgres_url:
            cluster.stop()
    run.details["submissions"] = {
        "workers": WORKERS,
        "browsers": CLIENTS,
        "unit": "GET a form, POST it, GET the answer; the reference does three GETs of its route",
        "rounds": {
            name: [{"per_second": r, "p99_seconds": p} for r, p in got] for name, got in results.items()
        },
    }
    return _figures(results)


def _side(name: str, rounds: list[tuple[float, float]]) -> list[Figure]:
    rate = round(statistics.median(r for r, _ in rounds))
    p99 = round(statistics.median(p for _, p in rounds) * 1000)
    return [
        Figure("submissions", f"{name} rate", rate, "/s"),
        Figure("submissions", f"{name} p99", p99, "ms"),
    ]


def _figures(results: dict[str, list[tuple[float, float]]]) -> list[Figure]:
    """Median rate and p99 per side, and the median of each round's portal/reference ratio."""
    reference = results["reference"]
    figures = _side("reference (3 GETs)", reference)
    for name in ("sqlite", "postgresql"):
        pairs = list(zip(results[name], reference, strict=True))
        figures += _side(f"{name} submissions", results[name])
        figures += [
            Figure(
                "submissions",
                f"{name} / reference rate",
                round(statistics.median(p[0] / r[0] for p, r in pairs), 2),
            ),
            Figure(
                "submissions",
                f"{name} p99 / reference p99",
                round(statistics.median(p[1] / r[1] for p, r in pairs), 1),
            ),
        ]
    return figures
