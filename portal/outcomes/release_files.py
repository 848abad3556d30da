"""The files of a release: tables as JSON and CSV, and reading a release back (read-only).

A table's JSON is self-describing for the dashboard: columns with labels, groups, kinds and
units; rows with their period and cells `{value, flag}`; a hidden cell has value null and a
flag from a small fixed set (see `rules.SYMBOLS`). The CSV carries the same cells, with the
flag's word in place of a hidden value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from portal.outcomes import catalogue
from portal.outcomes.columns import Column, columns
from portal.outcomes.rules import NOT_LISTED, SYMBOLS
from portal.outcomes.schema import month_index, month_text
from portal.outcomes.tables import CORRECTED, TABLE_IDS, Cell, Row, Table

RELEASE_ID = re.compile(r"(?P<year>[0-9]{4})Q(?P<quarter>[1-4])(?P<demo>-demo)?")
METADATA = "metadata.json"
AUDIT = "audit.json"
README = "README.md"


class ReleaseError(Exception):
    """A release folder is missing, altered or unreadable."""


def release_order(release_id: str) -> tuple[int, int]:
    """Return the (year, quarter) a release id sorts by."""
    match = RELEASE_ID.fullmatch(release_id)
    if match is None:
        raise ValueError(f"not a release id (YYYYQn): {release_id!r}")
    return int(match["year"]), int(match["quarter"])


def table_files(table_id: str, synthetic: bool) -> tuple[str, str]:
    """Return a table's CSV and JSON file names."""
    stem = f"{table_id}-synthetic" if synthetic else table_id
    return f"{stem}.csv", f"{stem}.json"


def table_json(table: Table, release_id: str, synthetic: bool) -> dict:
    """Return a table as the JSON document the dashboard reads (its corrected rows go elsewhere)."""
    info = catalogue.TABLES[table.id]
    rows = [r for r in table.rows if r.group != CORRECTED]
    starts = [r.start for r in rows]
    ends = [r.end for r in rows]
    return {
        "id": table.id,
        "title": catalogue.title(table.id, synthetic),
        "description": info["description"],
        "release": release_id,
        "synthetic": synthetic,
        "unit": info["unit"],
        "denominator": info["denominator"],
        "published_when": info["published_when"],
        "level": table.level,
        "level_reason": table.level_reason,
        "period": {"first": month_text(min(starts)), "last": month_text(max(ends))} if rows else None,
        "columns": [
            {
                "key": c.key,
                "label": c.label,
                "group": c.group or None,
                "kind": c.kind,
                "unit": _unit(c, info["unit"]),
                "of": list(c.of) if c.of else None,
            }
            for c in table.columns
        ],
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "group": r.group,
                "period": {"start": month_text(r.start), "end": month_text(r.end)},
                "window_months": r.window,
                "repeated_from_earlier_release": r.frozen,
                "cells": {k: {"value": c.value, "flag": c.flag} for k, c in r.cells.items()},
            }
            for r in rows
        ],
        "symbols": {name: SYMBOLS[name]["label"] for name in SYMBOLS},
    }


def corrections_json(tables: dict[str, Table], release_id: str, synthetic: bool) -> dict:
    """Return the corrections table: each year count that differs from what was published, and survived."""
    listed = []
    for table in tables.values():
        published = {r.key: r for r in table.rows if r.group != CORRECTED}
        for row in (r for r in table.rows if r.group == CORRECTED):
            first = published[row.corrects]
            for col in table.columns:
                old, new = first.cells[col.key].value, row.cells[col.key].value
                if col.kind == "count" and old is not None and new is not None and new != old:
                    listed.append(
                        {
                            "table": table.id,
                            "table_title": catalogue.title(table.id, synthetic),
                            "row": row.key,
                            "label": first.label,
                            "period": {"start": month_text(row.start), "end": month_text(row.end)},
                            "window_months": row.window,
                            "column": col.key,
                            "column_label": f"{col.group}: {col.label}" if col.group else col.label,
                            "published": old,
                            "corrected": new,
                        }
                    )
    return {
        "id": "corrections",
        "title": "Corrections to year figures published earlier"
        + (f" {catalogue.SYNTHETIC_TAG}" if synthetic else ""),
        "release": release_id,
        "synthetic": synthetic,
        "description": (
            "Year figures that later records changed. Earlier rows are repeated unchanged in every table; "
            "a corrected figure appears only here, and only when it passes the same privacy check."
        ),
        "rows": listed,
    }


def corrections_csv(document: dict) -> str:
    """Return the corrections table as CSV: one line per corrected figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["table", "row", "label", "period_start", "period_end", "column", "column_label"]
        + ["published", "corrected"]
    )
    for r in document["rows"]:
        period = [r["period"]["start"], r["period"]["end"]]
        writer.writerow(
            [r["table"], r["row"], r["label"], *period, r["column"], r["column_label"]]
            + [r["published"], r["corrected"]]
        )
    return out.getvalue()


def rows_from_corrections(document: dict, tables: dict[str, Table]) -> dict[str, list[Row]]:
    """Rebuild each table's corrected rows from a corrections table; counts it leaves out say nothing."""
    out: dict[str, dict[str, Row]] = {}
    for entry in document["rows"]:
        table = tables[entry["table"]]
        row = out.setdefault(entry["table"], {}).get(entry["row"])
        if row is None:
            row = Row(
                entry["row"],
                entry["label"] + " (corrected)",
                CORRECTED,
                month_index(entry["period"]["start"]),
                month_index(entry["period"]["end"]),
                entry["window_months"],
                {c.key: Cell(None, NOT_LISTED) for c in table.columns},
                frozen=True,
            )
            out[entry["table"]][entry["row"]] = row
        row.cells[entry["column"]] = Cell(entry["corrected"])
    return {table_id: list(rows.values()) for table_id, rows in out.items()}


def _unit(column: Column, table_unit: str) -> str:
    if column.kind in ("percent", "public_percent"):
        return "percent"
    if column.kind == "ratio":
        return "ratio"
    if column.kind == "public":
        return "eligible arrests"
    return table_unit


def cell_text(cell: dict) -> str:
    """Return a cell as CSV text: its value, or the word of its flag."""
    if cell["value"] is None:
        return SYMBOLS[cell["flag"]]["csv"] if cell["flag"] in SYMBOLS else ""
    return str(cell["value"])


def table_csv(document: dict) -> str:
    """Return a table's CSV: one line per row, the same cells as its JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [c["key"] for c in document["columns"]]
    writer.writerow(["row", "label", "period_start", "period_end", "window_months", *keys])
    for row in document["rows"]:
        window = "" if row["window_months"] is None else row["window_months"]
        head = [row["key"], row["label"], row["period"]["start"], row["period"]["end"], window]
        writer.writerow(head + [cell_text(row["cells"][k]) for k in keys])
    return out.getvalue()


def table_from_json(document: dict) -> Table:
    """Rebuild a Table (for freezing rows and for the audit) from its JSON document."""
    cols = columns(document["id"], document["level"]) if document["columns"] else []
    if [c.key for c in cols] != [c["key"] for c in document["columns"]]:
        raise ReleaseError(f"{document['id']}: its columns do not match level {document['level']}")
    rows = [
        Row(
            r["key"],
            r["label"],
            r["group"],
            month_index(r["period"]["start"]),
            month_index(r["period"]["end"]),
            r["window_months"],
            {k: Cell(c["value"], c["flag"]) for k, c in r["cells"].items()},
            frozen=True,
        )
        for r in document["rows"]
    ]
    return Table(document["id"], document["level"], document["level_reason"], cols, rows)


def dumps(document: dict) -> bytes:
    """Serialise JSON the same way every time."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    """Return the sha256 checksum text of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Release:
    """A published release, read and checked: metadata, tables (JSON documents) and audit report."""

    id: str
    path: Path
    metadata: dict
    tables: dict[str, dict]
    audit: dict
    readme: str = ""
    corrections: dict | None = None  # releases before corrections existed have none
    _parsed: dict[str, Table] = field(default_factory=dict, repr=False)

    @property
    def synthetic(self) -> bool:
        """Say whether the release holds synthetic demo data."""
        return bool(self.metadata["synthetic"])

    def table_objects(self) -> dict[str, Table]:
        """Return the tables as Table objects (every row frozen), with the corrections it listed."""
        if not self._parsed:
            parsed = {tid: table_from_json(doc) for tid, doc in self.tables.items()}
            if self.corrections:
                for table_id, rows in rows_from_corrections(self.corrections, parsed).items():
                    parsed[table_id].rows += rows
            self._parsed = parsed
        return self._parsed


def load_release(path: str | Path) -> Release:
    """Read a release folder, verifying every file against the checksums in its metadata."""
    path = Path(path)
    try:
        metadata = json.loads((path / METADATA).read_bytes())
        listed = metadata["checksums"]
        present = {p.name for p in path.iterdir() if p.is_file()} - {METADATA}
        if present != set(listed):
            raise ReleaseError(f"{path.name}: files differ from the metadata's list")
        contents = {name: (path / name).read_bytes() for name in listed}
        for name, data in contents.items():
            if sha256(data) != listed[name]:
                raise ReleaseError(f"{path.name}/{name}: checksum mismatch; the file was changed")
        synthetic = bool(metadata["synthetic"])
        tables = {tid: json.loads(contents[table_files(tid, synthetic)[1]]) for tid in TABLE_IDS}
        audit = json.loads(contents[AUDIT])
        corrections_name = table_files("corrections", synthetic)[1]
        corrections = json.loads(contents[corrections_name]) if corrections_name in contents else None
    except (OSError, KeyError, ValueError) as error:
        raise ReleaseError(f"{path.name}: cannot read the release ({error})") from error
    if metadata.get("release") != path.name:
        raise ReleaseError(f"{path.name}: the metadata names release {metadata.get('release')!r}")
    return Release(path.name, path, metadata, tables, audit, contents[README].decode("utf-8"), corrections)


def releases_folder(content_dir: str | Path) -> Path:
    """Return the folder releases are published into, inside the content folder."""
    return Path(content_dir) / "outcomes" / "releases"


def release_folders(releases_dir: str | Path) -> list[Path]:
    """Return the release folders, oldest first (unfinished temporary folders are skipped)."""
    releases_dir = Path(releases_dir)
    if not releases_dir.is_dir():
        return []
    found = [p for p in releases_dir.iterdir() if p.is_dir() and RELEASE_ID.fullmatch(p.name)]
    return sorted(found, key=lambda p: (release_order(p.name), p.name))


def list_releases(releases_dir: str | Path) -> list[Release]:
    """Return every release in a folder, oldest first; raise ReleaseError if any is damaged."""
    return [load_release(p) for p in release_folders(releases_dir)]
