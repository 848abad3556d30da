"""Show the figures as a table and keep them as JSON."""

import datetime
import json
import subprocess
from pathlib import Path

from .measure import Figure

MARKS = {True: "ok", False: "MISSED", None: ""}


def table(figures: list[Figure], errors: dict[str, str], details: dict, seconds: float) -> str:
    """Return the figures as an aligned text table, then the errors and the reasons for missed goals."""
    rows = [("step", "figure", "value", "goal", "")]
    rows += [(f.step, f.name, f"{f.value:g} {f.unit}".strip(), f.goal, MARKS[f.met]) for f in figures]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = ["", "  ".join(cell.ljust(width) for cell, width in zip(rows[0], widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows[1:]
    ]
    for step, message in errors.items():
        lines.append(f"\n{step} FAILED: {message}")
    for path, misses in details.get("lighthouse", {}).items():
        for category, audits in misses.items():
            lines.append(f"\nLighthouse {path} {category} lost points on:")
            lines += [f"  - {audit}" for audit in audits]
    missed = sum(1 for figure in figures if figure.met is False)
    lines.append(
        f"\n{len(figures)} figures, {missed} goals missed, {len(errors)} steps failed, {seconds:.0f}s"
    )
    return "\n".join(lines)


def commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5
        )
    except OSError:
        return None
    return result.stdout.strip() or None


def write_json(
    path: Path, figures: list[Figure], errors: dict[str, str], details: dict, seconds: float
) -> None:
    """Write everything measured, with when and at which commit."""
    data = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "seconds": round(seconds, 1),
        "figures": [figure.as_dict() for figure in figures],
        "errors": errors,
        "details": details,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
