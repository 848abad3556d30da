"""Publish time and peak memory of the outcomes pipeline for 10k, 100k and 1M rows.

Each size is generated once (seeded), then published in a fresh process; the reference is a
plain csv.reader pass over the same file in a fresh process, so the ratio says what validation,
aggregation, disclosure control and the audit cost beyond reading the file. The demo release is
also timed alone and audited jointly with an earlier release (OUTCOMES.md section 6).
"""

import datetime
import json
import subprocess
import sys
from pathlib import Path

from .measure import BenchError, Figure

ROOT = Path(__file__).resolve().parent.parent
# Rows wanted -> generator scale (the default demo is about 550 rows at scale 1).
SIZES = {10_000: 18.2, 100_000: 182, 1_000_000: 1812}
BUDGET_SECONDS, BUDGET_MB = 60, 1000
JOINT_BUDGET_SECONDS = 90
EARLIER_EXTRACT = datetime.date(2025, 10, 15)  # the demo's previous quarter, 2025Q3


def _job(kind: str, records: Path, comparison: Path, out: Path, release: str = "2025Q4-demo") -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.publish_job",
        kind,
        str(records),
        str(comparison),
        str(out),
        release,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise BenchError(f"outcomes {kind} failed:\n{result.stderr.strip()[-1500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _inputs(folder: Path, scale: float) -> tuple[Path, Path]:
    from portal.outcomes.demo import generate_demo_comparison, generate_demo_records

    records, comparison = folder / f"records-{scale}.csv", folder / "comparison.csv"
    records.write_text(generate_demo_records(2016, scale=scale), encoding="utf-8")
    comparison.write_text(generate_demo_comparison(2016), encoding="utf-8")
    return records, comparison


def _demo_jointly(folder: Path) -> list[Figure]:
    """Publish the demo's 2025Q3 snapshot, then the demo release audited jointly with it."""
    from portal.outcomes.demo import generate_demo_records

    records, comparison = _inputs(folder, 1)
    earlier = folder / "records-earlier.csv"
    earlier.write_text(generate_demo_records(2016, extract_as_of=EARLIER_EXTRACT), encoding="utf-8")
    out = folder / "releases-demo"
    alone = _job("publish", records, comparison, folder / "releases-demo-alone")
    _job("publish", earlier, comparison, out, "2025Q3-demo")
    jointly = _job("publish", records, comparison, out)
    return [
        Figure(
            "outcomes",
            "demo release: publish seconds",
            round(alone["seconds"], 1),
            "s",
            at_most=BUDGET_SECONDS,
        ),
        Figure(
            "outcomes",
            "demo release audited jointly with 2025Q3: seconds",
            round(jointly["seconds"], 1),
            "s",
            at_most=JOINT_BUDGET_SECONDS,
        ),
    ]


def measure(run) -> list[Figure]:
    """Publish each size and read it plainly; report seconds, memory and the ratio."""
    figures = _demo_jointly(run.folder)
    for wanted, scale in SIZES.items():
        records, comparison = _inputs(run.folder, scale)
        out = run.folder / f"releases-{wanted}"
        published = _job("publish", records, comparison, out)
        reference = _job("read", records, comparison, out)
        label = f"{published['rows']:,} rows"
        figures += [
            Figure(
                "outcomes",
                f"{label}: publish seconds",
                round(published["seconds"], 1),
                "s",
                at_most=BUDGET_SECONDS,
            ),
            Figure("outcomes", f"{label}: peak memory", round(published["peak_mb"]), "MB", at_most=BUDGET_MB),
            Figure(
                "outcomes",
                f"{label}: publish / plain csv read",
                round(published["seconds"] / reference["seconds"], 1),
                "x",
            ),
        ]
        records.unlink()
    return figures
