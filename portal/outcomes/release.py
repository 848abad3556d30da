"""Publish a release: aggregate → suppress → audit jointly with earlier releases → write.

Fails closed: unless every protected quantity passes the audit, nothing is written. The
release folder is written under a temporary name beside its final one, every file is
fsynced, and one `os.rename` makes it appear whole; a release id that exists is refused,
because releases are immutable. Plain functions of plain data: no Flask, no database.
"""

from __future__ import annotations

import datetime
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from portal.outcomes import catalogue
from portal.outcomes.audit import Verdict
from portal.outcomes.audit_model import Entry
from portal.outcomes.disclosure import ModelError, Protection, protect
from portal.outcomes.release_files import (
    AUDIT,
    METADATA,
    README,
    RELEASE_ID,
    ReleaseError,
    corrections_csv,
    corrections_json,
    dumps,
    list_releases,
    release_order,
    sha256,
    table_csv,
    table_files,
    table_json,
)
from portal.outcomes.rules import SUPPRESSED, SYMBOLS, K
from portal.outcomes.schema import Comparison, Records, month_text
from portal.outcomes.tables import CORRECTED, Aggregate, Table, build_tables

Progress = Callable[[str], None]


class PublishError(Exception):
    """Nothing was written; `problems` says why, one line each (no true values)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("release not published:\n" + "\n".join(problems))


def publish(
    records: Records,
    comparison: Comparison | None,
    release_id: str,
    releases_dir: str | Path,
    *,
    synthetic: bool,
    progress: Progress | None = None,
) -> Path:
    """Build, protect, audit and write one release; return its folder."""
    say = progress or (lambda _message: None)
    releases_dir = Path(releases_dir)
    earlier = _earlier_releases(release_id, releases_dir, synthetic, records)
    agg = Aggregate.of(records)
    say(f"aggregated {len(records)} referral episodes into {agg.layout.n_vars} cells")
    previous = earlier[-1].table_objects() if earlier else None
    tables = build_tables(agg, comparison, previous)
    must_pass = _passed_before(earlier)
    try:
        result = protect(tables, agg, [r.table_objects() for r in earlier], must_pass, say)
    except ModelError as error:
        raise PublishError([f"the audit cannot run: {error}"]) from error
    if result.failures:
        raise PublishError([_failure(entry, verdict) for entry, verdict in result.failures])
    for cell in result.wasted:
        say(f"note: complementary cell {cell} can still be worked out exactly (hiding it was wasted)")
    files = render(tables, result, release_id, records, comparison, synthetic, [r.id for r in earlier])
    final = write_atomically(releases_dir, release_id, files)
    say(f"wrote {final}")
    return final


def _earlier_releases(release_id: str, releases_dir: Path, synthetic: bool, records: Records) -> list:
    """Return the earlier releases of the same kind, refusing an id that exists or sorts before them."""
    match = RELEASE_ID.fullmatch(release_id)
    if match is None or bool(match["demo"]) != synthetic:
        form = "YYYYQn-demo" if synthetic else "YYYYQn"
        raise PublishError([f"release id {release_id!r} is not of the form {form}"])
    if (releases_dir / release_id).exists():
        raise PublishError([f"release {release_id} already exists; releases are immutable"])
    year, quarter = release_order(release_id)
    if (year - 2016) * 12 + 3 * quarter - 1 >= records.extract_month:
        raise PublishError([f"release {release_id}: its quarter has not ended by the extract date"])
    try:
        earlier = [r for r in list_releases(releases_dir) if r.synthetic == synthetic]
    except ReleaseError as error:
        raise PublishError([str(error)]) from error
    problems = []
    if earlier and release_order(earlier[-1].id) >= (year, quarter):
        problems.append(f"release {release_id} must come after the latest release, {earlier[-1].id}")
    if earlier and earlier[-1].metadata["extract_date"] > records.extract_as_of.isoformat():
        problems.append(f"the extract is older than the one release {earlier[-1].id} used")
    if problems:
        raise PublishError(problems)
    return earlier


def _passed_before(earlier: list) -> set[str]:
    """Return the quantities that met the k rule in the latest earlier release: they must still."""
    if not earlier:
        return set()
    return {q["id"] for q in earlier[-1].audit["quantities"] if q["meets_k_rule"]}


def _failure(entry: Entry, verdict: Verdict) -> str:
    """Describe a failed check in words, without any true value."""
    reasons = []
    if verdict.can_be_zero is not True:
        reasons.append(
            "it cannot be 0" if verdict.can_be_zero is False else "the solver could not tell if it can be 0"
        )
    if verdict.can_reach is not True:
        reasons.append(
            f"it cannot reach {K}"
            if verdict.can_reach is False
            else f"the solver could not tell if it can reach {K}"
        )
    return f"audit failed: {entry.label} ({entry.id}): {' and '.join(reasons)}"


# ----- the files -------------------------------------------------------------------------


def render(
    tables: dict[str, Table],
    result: Protection,
    release_id: str,
    records: Records,
    comparison: Comparison | None,
    synthetic: bool,
    earlier_ids: list[str],
) -> dict[str, bytes]:
    """Return every file of the release by name."""
    files: dict[str, bytes] = {}
    for table in tables.values():
        document = table_json(table, release_id, synthetic)
        csv_name, json_name = table_files(table.id, synthetic)
        files[json_name] = dumps(document)
        files[csv_name] = table_csv(document).encode("utf-8")
    corrections = corrections_json(tables, release_id, synthetic)
    csv_name, json_name = table_files("corrections", synthetic)
    files[json_name] = dumps(corrections)
    files[csv_name] = corrections_csv(corrections).encode("utf-8")
    files[AUDIT] = dumps(audit_report(result, release_id, synthetic, earlier_ids))
    files[README] = readme(release_id, synthetic).encode("utf-8")
    metadata = build_metadata(tables, result, release_id, records, comparison, synthetic, earlier_ids)
    metadata["corrections"] = {
        "count": len(corrections["rows"]),
        "files": {"csv": csv_name, "json": json_name},
    }
    metadata["checksums"] = {name: sha256(data) for name, data in sorted(files.items())}
    files[METADATA] = dumps(metadata)
    return files


def audit_report(result: Protection, release_id: str, synthetic: bool, earlier_ids: list[str]) -> dict:
    """Return the audit report: for each listed quantity, only what its range allows."""
    quantities = [
        {
            "id": entry.id,
            "label": entry.label,
            "kind": "hidden count" if entry.kind == "cell" else "implied count",
            "can_be_zero": verdict.can_be_zero,
            f"can_reach_{K}": verdict.can_reach,
            "meets_k_rule": verdict.passes,
        }
        for entry, verdict in zip(result.entries, result.verdicts, strict=True)
        # Revisions and corrected rows are checked, but listing one would reveal that a figure changed.
        if entry.kind != "revision" and f"-{CORRECTED}/" not in entry.id
    ]
    return {
        "release": release_id,
        "synthetic": synthetic,
        "passed": True,
        "k": K,
        "criterion": (
            f"Every hidden count whose true value is 1–{K - 1}, and every such implied count, can be 0 "
            f"and can be {K} or more given everything published (this and earlier releases, identities "
            "between tables, structural zeros). Checked with whole-number linear programming "
            "(scipy.optimize.milp, HiGHS)."
        ),
        "note": (
            "Lists every hidden count and every implied count that a hidden count leaves unpublished, with "
            "what its range allows; never a true value. Which hidden counts are small is not said; a "
            "quantity that does not meet the rule is one that was not small."
        ),
        "audited_jointly_with": earlier_ids,
        "quantities": quantities,
        "solver": {"solves": result.stats.solves, "seconds": round(result.stats.seconds, 1)},
    }


def build_metadata(
    tables: dict[str, Table],
    result: Protection,
    release_id: str,
    records: Records,
    comparison: Comparison | None,
    synthetic: bool,
    earlier_ids: list[str],
) -> dict:
    """Return the release metadata (OUTCOMES.md section 7), less the checksums."""
    # Corrected rows are left out: counting their hidden cells would reveal that figures changed.
    published = {tid: [r for r in t.rows if r.group != CORRECTED] for tid, t in tables.items()}
    hidden = sum(
        cell.flag == SUPPRESSED for rows in published.values() for r in rows for cell in r.cells.values()
    )
    table_entries = []
    for table in tables.values():
        rows = published[table.id]
        info = catalogue.TABLES[table.id]
        csv_name, json_name = table_files(table.id, synthetic)
        table_entries.append(
            {
                "id": table.id,
                "title": catalogue.title(table.id, synthetic),
                "description": info["description"],
                "unit": info["unit"],
                "denominator": info["denominator"],
                "published_when": info["published_when"],
                "period": (
                    {
                        "first": month_text(min(r.start for r in rows)),
                        "last": month_text(max(r.end for r in rows)),
                    }
                    if rows
                    else None
                ),
                "rows": len(rows),
                "category_level": table.level,
                "category_level_reason": table.level_reason or "this table has no category levels",
                "files": {"csv": csv_name, "json": json_name},
            }
        )
    sources = [
        {
            "name": "LEAD program records",
            "detail": "de-identified referral episodes exported by the data steward; "
            "never stored by the portal",
            "extract_date": records.extract_as_of.isoformat(),
        }
    ]
    if comparison is not None:
        years = sorted(comparison.counts)
        sources.append(
            {
                "name": "comparison population",
                "detail": comparison.source,
                "period": f"{years[0]}–{years[-1]}" if years else None,
            }
        )
    caveats = ([catalogue.SYNTHETIC_CAVEAT] if synthetic else []) + catalogue.CAVEATS
    return {
        "release": release_id,
        "release_date": datetime.date.today().isoformat(),
        "extract_date": records.extract_as_of.isoformat(),
        "synthetic": synthetic,
        "title": "Albany LEAD outcome release "
        + release_id
        + (f" {catalogue.SYNTHETIC_TAG}" if synthetic else ""),
        "unit_of_count": "the referral episode (one referral of one person), except table P (unique persons)",
        "tables": table_entries,
        "data_dictionary": {"definitions": catalogue.DEFINITIONS, "categories": catalogue.CATEGORY_LEVELS},
        "disclosure_rules": catalogue.RULES,
        "symbols": SYMBOLS,
        "protected_cells": hidden,
        "protected_cells_note": (
            "count cells hidden in this release, whatever the reason (the reasons are not said)"
        ),
        "audit": {
            "file": AUDIT,
            "passed": True,
            "quantities_checked": len(result.entries),
            "jointly_with_releases": earlier_ids,
        },
        "sources": sources,
        "caveats": caveats,
    }


def readme(release_id: str, synthetic: bool) -> str:
    """Return the short README of a release folder."""
    lines = [f"# Albany LEAD outcome release {release_id}", ""]
    if synthetic:
        lines += [f"**{catalogue.SYNTHETIC_CAVEAT}**", ""]
    lines += [
        "Each table is here as CSV and JSON; `metadata.json` describes the tables, definitions, category "
        "levels, disclosure rules and sources, and holds a sha256 checksum of every other file. "
        "`audit.json` is the disclosure audit (ranges only, never a true value).",
        "",
        "Symbols in place of a value:",
        "",
    ]
    lines += [f"- `{s['csv']}`: {s['label']}. {s['explanation']}" for s in SYMBOLS.values()]
    lines += [
        "",
        "Releases never change once published; later releases repeat earlier rows unchanged. A year figure "
        f"that later records changed is listed in `{table_files('corrections', synthetic)[0]}` when it "
        "passes the same privacy check.",
        "",
    ]
    return "\n".join(lines)


def write_atomically(releases_dir: Path, release_id: str, files: dict[str, bytes]) -> Path:
    """Write the files into a temporary sibling folder, fsync, then rename it into place."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    final = releases_dir / release_id
    temporary = releases_dir / f".{release_id}.partial-{secrets.token_hex(4)}"
    temporary.mkdir()
    try:
        for name, data in files.items():
            with open(temporary / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        _fsync_dir(temporary)
        if final.exists():
            raise PublishError([f"release {release_id} already exists; releases are immutable"])
        os.rename(temporary, final)
        _fsync_dir(releases_dir)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return final


def _fsync_dir(path: Path) -> None:
    """Make a folder's entries durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def audit_files(releases: list, truth=None) -> list[tuple[Entry, object, int | None]]:
    """Re-run the audit from published files alone (oldest release first): each quantity and verdict.

    Independent of `publish`: it knows only what the folders hold, as an attacker would. Given
    the true cells, it also knows exactly which published figures the data have revised since
    (a stronger attacker), and returns each quantity's true value.
    """
    from portal.outcomes.audit import check
    from portal.outcomes.audit_model import build_model
    from portal.outcomes.blocks import Layout
    from portal.outcomes.schema import date_month_index

    extract = datetime.date.fromisoformat(releases[-1].metadata["extract_date"])
    layout = Layout.for_extract(date_month_index(extract))
    model = build_model(layout, [r.table_objects() for r in releases], truth=truth)
    verdicts = check(model.system(), [e.expr for e in model.entries], [e.signed for e in model.entries])
    full = None if truth is None else model.true_vector(truth)
    values = [None if full is None else e.expr.value(full) for e in model.entries]
    return list(zip(model.entries, verdicts, values, strict=True))
