"""Requests per second of a content page against the reference app, with wrk, in the same run."""

import re
import statistics
import subprocess
from dataclasses import dataclass

from .measure import BenchError, Figure, require_program
from .servers import open_url

# Portal page -> the least share of the reference app's requests per second it must reach.
PAGES = {"/what-is-lead": 0.8, "/outcomes": 0.5}
THREADS, CONNECTIONS, SECONDS, WARMUP_SECONDS = 2, 16, 3, 1
# Alternate short portal and reference runs and compare each pair: load from other work on the
# machine then slows both sides of a pair alike, and the median pair ignores the worst bursts.
ROUNDS = 5
# What a browser sends: compressing the page is part of the work a visitor causes.
HEADERS = ("Accept-Encoding: br, gzip", "Accept: text/html")


@dataclass
class Load:
    """One wrk run: requests per second, requests served, and server CPU seconds used (if known)."""

    rate: float
    requests: int
    cpu: float | None

    @property
    def per_cpu_second(self) -> float | None:
        return self.requests / self.cpu if self.cpu else None


def wrk_program() -> str:
    return require_program(
        "wrk", "Install it with `sudo apt-get install wrk` (make bench does this when root)."
    )


def wrk(url: str, seconds: int) -> tuple[float, int]:
    """Run wrk against one URL; return (requests per second, requests); refuse errors and non-200s."""
    program = wrk_program()
    command = [program, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    for header in HEADERS:
        command += ["-H", header]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {url}: {result.stderr.strip() or result.stdout.strip()}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    total = re.search(r"(\d+) requests in", result.stdout)
    if not rate or not total:
        raise BenchError(f"could not read wrk's output for {url}:\n{result.stdout}")
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in result.stdout:
            line = next(line for line in result.stdout.splitlines() if problem in line)
            raise BenchError(f"wrk saw failures on {url}: {line.strip()}")
    return float(rate.group(1)), int(total.group(1))


def load(server, url: str, seconds: int) -> Load:
    """Run wrk and note how much CPU the server spent meanwhile."""
    before = server.cpu_seconds()
    rate, requests = wrk(url, seconds)
    after = server.cpu_seconds()
    return Load(rate, requests, after - before if before is not None and after is not None else None)


def check_ok(url: str) -> None:
    with open_url(url, timeout=5) as response:
        if response.status != 200:
            raise BenchError(f"{url} answered {response.status}, not 200")


def median_ratio(pairs: list[tuple[float | None, float | None]]) -> float | None:
    ratios = [a / b for a, b in pairs if a and b]
    return statistics.median(ratios) if ratios else None


def measure(run) -> list[Figure]:
    """Measure each portal page and the reference app in alternating rounds."""
    wrk_program()  # before starting any server
    targets = {path: (run.portal, run.portal.url + path) for path in PAGES}
    targets["reference"] = (run.reference, run.reference.url + "/")
    for _, url in targets.values():
        check_ok(url)
        wrk(url, WARMUP_SECONDS)
    rounds: dict[str, list[Load]] = {name: [] for name in targets}
    for _ in range(ROUNDS):
        for name, (server, url) in targets.items():
            rounds[name].append(load(server, url, SECONDS))
    reference = rounds["reference"]
    run.details["throughput"] = {
        "urls": {name: url for name, (_, url) in targets.items()},
        "wrk": f"-t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, {ROUNDS} alternating rounds",
        "headers": HEADERS,
        "rounds": {name: [vars(one) for one in loads] for name, loads in rounds.items()},
    }
    figures = [
        Figure("throughput", "reference app", round(statistics.median(r.rate for r in reference)), "req/s")
    ]
    for path, goal in PAGES.items():
        portal = rounds[path]
        ratio = median_ratio([(p.rate, r.rate) for p, r in zip(portal, reference, strict=True)])
        cpu_ratio = median_ratio(
            [(p.per_cpu_second, r.per_cpu_second) for p, r in zip(portal, reference, strict=True)]
        )
        figures += [
            Figure("throughput", f"portal {path}", round(statistics.median(p.rate for p in portal)), "req/s"),
            Figure("throughput", f"{path} / reference", round(ratio, 2), "", at_least=goal),
        ]
        if cpu_ratio is not None:
            # Requests per CPU-second of gunicorn's own processes: steady even when the machine is busy.
            figures.append(Figure("throughput", f"{path} / reference per CPU-second", round(cpu_ratio, 2)))
    return figures
