"""Run the measurements in order, each against servers started once for the whole run."""

import argparse
import tempfile
import time
import traceback
from functools import cached_property
from pathlib import Path

from . import lighthouse, outcomes_publish, report, submissions, throughput, transfer
from .measure import BenchError, Figure
from .servers import Server

OUT = Path(__file__).resolve().parent / "out"

# Named measurements, run in this order. A later feature adds its own: ("name", function(run) -> [Figure]).
MEASUREMENTS = [
    ("transfer", transfer.measure),
    ("throughput", throughput.measure),
    ("lighthouse", lighthouse.measure),
    ("outcomes", outcomes_publish.measure),
    ("submissions", submissions.measure),
]


class Run:
    """What a measurement gets: the servers (started on first use), the output folder, a details dict."""

    def __init__(self, folder: Path, out: Path):
        self.folder = folder
        self.out = out
        self.details: dict = {}
        self._servers: list[Server] = []

    def _start(self, server: Server) -> Server:
        self._servers.append(server)
        return server.start()

    @cached_property
    def portal(self) -> Server:
        """The real portal under gunicorn, in production mode."""
        return self._start(Server("portal", "wsgi:app", self.folder, ready_path="/healthz"))

    @cached_property
    def reference(self) -> Server:
        """A bare Flask app under the same gunicorn settings: the yardstick for throughput."""
        return self._start(Server("reference", "bench.reference_app:app", self.folder))

    def stop(self) -> None:
        for server in self._servers:
            server.stop()


def parse_arguments(argv=None) -> argparse.Namespace:
    names = [name for name, _ in MEASUREMENTS]
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the portal against its goals."
    )
    parser.add_argument(
        "--only", action="append", choices=names, help="run only this measurement (repeatable)"
    )
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a goal is missed")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run every measurement, print a table, write bench/out/results.json; return the exit status."""
    arguments = parse_arguments(argv)
    OUT.mkdir(exist_ok=True)
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        run = Run(Path(folder), OUT)
        try:
            for name, measure in MEASUREMENTS:
                if arguments.only and name not in arguments.only:
                    continue
                print(f"measuring {name}...", flush=True)
                try:
                    figures += measure(run)
                except BenchError as error:
                    errors[name] = str(error)
                except Exception as error:  # noqa: BLE001 (one broken step must not hide the others)
                    errors[name] = f"{type(error).__name__}: {error} (traceback in bench/out/errors.log)"
                    with (OUT / "errors.log").open("a") as log:
                        log.write(f"--- {name}\n{traceback.format_exc()}\n")
        except KeyboardInterrupt:
            print("interrupted")
            return 130
        finally:
            run.stop()
    seconds = time.monotonic() - started
    print(report.table(figures, errors, run.details, seconds))
    report.write_json(OUT / "results.json", figures, errors, run.details, seconds)
    print(f"figures written to {(OUT / 'results.json').relative_to(OUT.parent.parent)}")
    missed = [figure for figure in figures if figure.met is False]
    if errors:
        return 1
    return 1 if arguments.strict and missed else 0
