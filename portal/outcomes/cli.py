"""`flask outcomes publish` and `flask outcomes demo`: the data steward's offline commands.

Thin on purpose: read and validate the inputs (`validate`), then `release.publish`. Both
fail closed: every problem is printed (validation problems with file, line and column;
audit failures by cell, never a true value) and the command exits non-zero with nothing
written.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.outcomes.release import PublishError, publish
from portal.outcomes.release_files import RELEASE_ID, releases_folder
from portal.outcomes.schema import Comparison, Records
from portal.outcomes.validate import ValidationError, read_comparison, read_records

outcomes_cli = AppGroup("outcomes", help="Publish disclosure-controlled outcome releases.")

DEMO_RELEASE = "2025Q4-demo"
_SAMPLE_BYTES = 1 << 16  # the head of the file, to estimate bytes per row for the progress bar


def _release_id(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not RELEASE_ID.fullmatch(value):
        raise click.BadParameter("use the form YYYYQn, e.g. 2025Q4 (YYYYQn-demo for synthetic releases)")
    return value


def _releases_dir(value: Path | None) -> Path:
    return value if value is not None else releases_folder(current_app.config["CONTENT_DIR"])


def _read_inputs(records_path: Path, comparison_path: Path | None) -> tuple[Records, Comparison | None]:
    """Read both inputs with a progress bar, or print every problem and exit 1."""
    size = records_path.stat().st_size
    with open(records_path, "rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    row_bytes = len(head) / max(head.count(b"\n"), 1)
    try:
        with click.progressbar(length=size, label=f"Reading {records_path.name}", file=sys.stderr) as bar:
            records = read_records(
                records_path, progress=lambda rows: bar.update(min(int(rows * row_bytes), size) - bar.pos)
            )
            bar.update(size - bar.pos)
        comparison = read_comparison(comparison_path) if comparison_path is not None else None
    except ValidationError as error:
        _fail(
            [str(problem) for problem in error.problems]
            + ([f"... and {error.more} more problems"] if error.more else [])
        )
    return records, comparison


def _fail(problems: list[str]) -> None:
    """Print every problem and exit non-zero."""
    for problem in problems:
        click.echo(problem, err=True)
    click.echo("Nothing was published.", err=True)
    raise click.exceptions.Exit(1)


def _publish(
    records: Records, comparison: Comparison | None, release_id: str, folder: Path, synthetic: bool
) -> None:
    try:
        path = publish(records, comparison, release_id, folder, synthetic=synthetic, progress=click.echo)
    except PublishError as error:
        _fail(error.problems)
    click.echo(f"Published release {release_id} in {path}")


@outcomes_cli.command("publish")
@click.argument("records", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--comparison",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Eligible arrests by race per year (the disparity table's comparison population).",
)
@click.option("--release", "release_id", required=True, callback=_release_id, help="Release id, YYYYQn.")
@click.option(
    "--releases-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where releases live (default: CONTENT_DIR/outcomes/releases).",
)
@click.option("--synthetic", is_flag=True, help="The records are synthetic demo data (id YYYYQn-demo).")
def publish_command(
    records: Path, comparison: Path | None, release_id: str, releases_dir: Path | None, synthetic: bool
) -> None:
    """Validate RECORDS.csv, protect, audit and publish a release (or publish nothing)."""
    data, comparison_data = _read_inputs(records, comparison)
    _publish(data, comparison_data, release_id, _releases_dir(releases_dir), synthetic)


@outcomes_cli.command("demo")
@click.option("--release", "release_id", default=DEMO_RELEASE, show_default=True, callback=_release_id)
@click.option(
    "--releases-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where releases live (default: CONTENT_DIR/outcomes/releases).",
)
def demo_command(release_id: str, releases_dir: Path | None) -> None:
    """Publish the seeded synthetic demo release through the real pipeline."""
    from portal.outcomes.demo import write_demo_inputs

    with tempfile.TemporaryDirectory(prefix="lead-demo-") as folder:  # the inputs go when it closes
        records_path, comparison_path = write_demo_inputs(folder)
        data, comparison_data = _read_inputs(records_path, comparison_path)
    _publish(data, comparison_data, release_id, _releases_dir(releases_dir), synthetic=True)
