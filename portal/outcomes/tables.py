"""Aggregate Records into the published tables T1–T8 and P (OUTCOMES.md sections 2 and 3).

Every count cell is a sum of block-model cells (`blocks.py`), so its value here and its
equation in the audit are the same expression. A table's rows appear only for complete
periods; rows published before are copied unchanged ("frozen") from the previous release,
and a table keeps the category level it was first published at (levels never get finer).

Corrections are year-level only: for each frozen year row of T1–T3 and T6–T8 a release also
carries a "corrected" row with today's counts. Disclosure control and the audit treat it like
any new row; the release lists only its counts that differ from what was published and survive
suppression (`release_files.corrections_json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from portal.outcomes.blocks import ACHIEVED, LAUNCH_QUARTER, Expr, Layout, count
from portal.outcomes.columns import Column, columns
from portal.outcomes.rules import SUPPRESSED, WITHHELD, is_small, rate_hides_count, whole_percent
from portal.outcomes.schema import CATEGORIES, Comparison, Records

LEVEL_SHARE = 0.75  # level 1 when it keeps at least this share of a table's cells publishable
TABLE_IDS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "P")
LEVELLED = ("T1", "T2", "T3", "T6", "T7", "T8")
WINDOWS = (6, 12)
LAG = 3  # months of data lag before a quarter's funnel or a follow-up window counts as complete
# Tables whose year rows may be corrected (every one with year rows but P). A corrected row
# lists counts only; the rate rules still decide which achieved counts may be shown.
CORRECTABLE = ("T1", "T2", "T3", "T6", "T7", "T8")
CORRECTED = "corrected"


@dataclass
class Cell:
    """A cell as published: a value, or None with a flag saying why."""

    value: int | float | None
    flag: str | None = None


@dataclass
class Row:
    """One row: a period (first and last month index), an optional follow-up window, its cells."""

    key: str
    label: str
    group: str
    start: int
    end: int
    window: int | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    frozen: bool = False

    @property
    def corrects(self) -> str | None:
        """Return the key of the row a corrected row corrects, or None for any other row."""
        return self.key.removesuffix(f"-{CORRECTED}") if self.group == CORRECTED else None

    @property
    def quarters(self) -> range:
        """Return the local quarters the row covers."""
        return range(self.start // 3 - LAUNCH_QUARTER, self.end // 3 - LAUNCH_QUARTER + 1)


@dataclass
class Table:
    """One table of a release."""

    id: str
    level: int | None
    level_reason: str
    columns: list[Column]
    rows: list[Row]

    def column(self, key: str) -> Column:
        """Return the column with a key."""
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Aggregate:
    """The cell counts of one extract: all a release's true figures are sums of `x`."""

    layout: Layout
    x: np.ndarray

    @classmethod
    def of(cls, records: Records) -> Aggregate:
        """Count the records into the block model."""
        layout = Layout.for_extract(records.extract_month)
        return cls(layout, count(records, layout))


def cell_expr(layout: Layout, row: Row, column: Column) -> Expr:
    """Return the block-model expression a count cell is the value of."""
    quarters, measure = row.quarters, column.measure
    if measure == "episodes":
        return layout.episodes(quarters, column.block, column.cats)
    if measure == "persons":
        return layout.episodes(quarters, "sequence", (0,))
    if measure == "exits":
        return layout.exits(quarters, column.cats or (0, 1))
    if measure in ("intake", "engaged", "caseload"):
        return getattr(layout, measure)(quarters.start)
    if measure.startswith("achieved:"):
        return layout.milestone(measure[len("achieved:") :], quarters, ACHIEVED[row.window])
    if measure == "rearrested":
        return layout.milestone("rearrest", quarters, ACHIEVED[row.window], column.cats)
    raise KeyError(measure)


# ----- rows ------------------------------------------------------------------------------


def quarter_label(quarter: int) -> str:
    """Return '2019 Q3' for an absolute quarter index."""
    return f"{2016 + quarter // 4} Q{quarter % 4 + 1}"


def _year(month: int) -> int:
    return 2016 + month // 12


def period_row(start: int, end: int, group: str, window: int | None = None) -> Row:
    """Return an empty row for a period of whole quarters, keyed and labelled from its months."""
    q0, q1 = start // 3, end // 3
    if q0 == q1:
        key, label = f"{_year(start)}Q{q0 % 4 + 1}", quarter_label(q0)
    elif end % 12 == 11 and (start % 12 == 0 or start == 3 * LAUNCH_QUARTER):
        key = str(_year(start)) if _year(start) == _year(end) else f"{_year(start)}-{_year(end)}"
        label = key.replace("-", "–")
    else:
        key = f"{_year(start)}Q{q0 % 4 + 1}-{_year(end)}Q{q1 % 4 + 1}"
        label = f"{quarter_label(q0)} – {quarter_label(q1)}"
    if group == "since_launch":
        key, label = f"since-launch-{key}", f"Since launch ({label})"
    if window is not None:
        key, label = f"{key}@{window}m", f"{label}, at {window} months"
    return Row(key, label, group, start, end, window)


def year_periods(level: int, last_month: int) -> list[tuple[int, int]]:
    """Return the periods of year tables up to a month: 2016–2017 together, then 1- or 2-year periods."""
    periods, start, span = [(3 * LAUNCH_QUARTER, 23)], 24, 12 * (level or 1)
    while start <= last_month:
        periods.append((start, start + span - 1))
        start += span
    return periods


def new_rows(table_id: str, level: int | None, extract_month: int) -> list[Row]:
    """Return the rows a table may publish at an extract (section 3), before freezing."""
    launch = 3 * LAUNCH_QUARTER
    complete = [q for q in range(LAUNCH_QUARTER, extract_month // 3) if 3 * q + 2 < extract_month]
    if table_id == "T1":
        rows = [period_row(3 * q, 3 * q + 2, "quarter") for q in complete]
        years = [y for y in range(2016, 2016 + extract_month // 12) if 12 * (y - 2016) + 11 < extract_month]
        rows += [period_row(max(12 * (y - 2016), launch), 12 * (y - 2016) + 11, "year") for y in years]
        if complete:
            rows.append(period_row(launch, 3 * complete[-1] + 2, "since_launch"))
        return rows
    if table_id in ("T4", "T5"):
        return [period_row(3 * q, 3 * q + 2, "quarter") for q in complete if 3 * q + 2 + LAG <= extract_month]
    if table_id in ("T2", "T3", "T8"):
        return [
            period_row(s, e, "period") for s, e in year_periods(level, extract_month) if e < extract_month
        ]
    if table_id in ("T6", "T7"):
        return [
            period_row(s, e, "period", w)
            for s, e in year_periods(level, extract_month)
            for w in WINDOWS
            if e + w + LAG <= extract_month
        ]
    if table_id == "P":
        years = [y for y in range(2016, 2016 + extract_month // 12) if 12 * (y - 2016) + 11 < extract_month]
        return [period_row(launch, 12 * (years[-1] - 2016) + 11, "since_launch")] if years else []
    raise KeyError(table_id)


# ----- values ----------------------------------------------------------------------------


def fill(table_id: str, row: Row, cols: list[Column], agg: Aggregate, comparison: Comparison | None) -> Row:
    """Give a new row its true values: counts, percentages and ratios before any suppression."""
    cells: dict[str, Cell] = {}
    for col in cols:
        if col.kind == "count":
            cells[col.key] = Cell(cell_expr(agg.layout, row, col).value(agg.x))
    public = _comparison_counts(row, comparison)
    for col in cols:
        if col.kind == "public":
            value = None if public is None else int(sum(public[i] for i in (col.cats or range(len(public)))))
            cells[col.key] = Cell(value, None if public is not None else "unavailable")
        elif col.kind == "public_percent":
            whole = None if public is None else int(public.sum())
            part = None if public is None else int(sum(public[i] for i in col.cats or ()))
            ok = whole is not None and whole > 0
            cells[col.key] = Cell(whole_percent(part, whole) if ok else None, None if ok else "unavailable")
        elif col.kind == "percent":
            n, d = cells[col.of[0]].value, cells[col.of[1]].value
            cells[col.key] = Cell(whole_percent(n, d) if d else None, None if d else "withheld")
    for col in cols:
        if col.kind == "ratio":
            cells[col.key] = Cell(_ratio(col, cells, public))
    return replace(row, cells=cells)


def _comparison_counts(row: Row, comparison: Comparison | None) -> np.ndarray | None:
    """Return the comparison arrests of a row's years by race block category, or None."""
    if comparison is None:
        return None
    years = range(_year(row.start), _year(row.end) + 1)
    if not all(y in comparison.counts for y in years):
        return None
    out = np.zeros(4, dtype=np.int64)
    races = CATEGORIES["race_ethnicity"]
    for y in years:
        for i, race in enumerate(races):
            out[(0, 1, 2, 3, 3)[i]] += comparison.counts[y].get(race, 0)
    return out


def _ratio(col: Column, cells: dict[str, Cell], public: np.ndarray | None) -> float | None:
    """Return the ratio of the program's share to the comparison share, to 2 decimals."""
    band = col.key[: -len("_ratio")]
    n, total = cells[band].value, cells["total"].value
    c, c_total = cells[f"{band}_comparison"].value, cells["comparison_total"].value
    if public is None or not total or not c or not c_total:
        return None
    return round((n / total) / (c / c_total), 2)


# ----- whole tables ----------------------------------------------------------------------


def _year_row(row: Row) -> bool:
    """Say whether a row is a frozen year-level row (one a correction may revise)."""
    return row.frozen and row.group in ("year", "period")


def corrected_row(table_id: str, row: Row, cols: list[Column], agg: Aggregate, comparison) -> Row:
    """Return today's counts for a frozen year row; a count hidden before stays hidden, rates are left out."""
    fresh = fill(table_id, row, cols, agg, comparison)
    cells = {}
    for col in cols:
        if col.kind != "count":
            cells[col.key] = Cell(None, WITHHELD)
        elif row.cells[col.key].value is None:
            cells[col.key] = Cell(None, SUPPRESSED)  # correcting it would reveal what was hidden
        else:
            cells[col.key] = fresh.cells[col.key]
    return replace(
        row,
        key=f"{row.key}-{CORRECTED}",
        label=f"{row.label} (corrected)",
        group=CORRECTED,
        cells=cells,
        frozen=False,
    )


def publishable_share(table: Table) -> float:
    """Return the share of a table's new count cells that the k and rate rules leave publishable."""
    total = kept = 0
    for row in table.rows:
        if row.frozen:
            continue
        hidden = set()
        for col in table.columns:
            if col.kind == "percent" and table.column(col.of[0]).kind == "count":
                n, d = row.cells[col.of[0]].value, row.cells[col.of[1]].value
                if table.id != "T2" and rate_hides_count(n, d):
                    hidden.add(col.of[0])
        for col in table.columns:
            if col.kind == "count":
                total += 1
                kept += col.key not in hidden and not is_small(row.cells[col.key].value)
    return kept / total if total else 1.0


def build_table(
    table_id: str, agg: Aggregate, comparison: Comparison | None, previous: Table | None = None
) -> Table:
    """Build a table with true values in its new rows and the previous release's rows frozen."""
    frozen = {
        r.key: replace(r, frozen=True)
        for r in (previous.rows if previous else [])
        if r.group not in ("since_launch", CORRECTED)
    }
    if table_id == "P" and previous:  # every P row is kept: one figure per closed year
        frozen = {r.key: replace(r, frozen=True) for r in previous.rows}

    def draft(level: int | None) -> Table:
        cols = columns(table_id, level)
        rows = [
            frozen.get(row.key) or fill(table_id, row, cols, agg, comparison)
            for row in new_rows(table_id, level, agg.layout.extract_month)
        ]
        if table_id == "P":
            rows = sorted({**frozen, **{r.key: r for r in rows}}.values(), key=lambda r: r.end)
        if table_id in CORRECTABLE:
            rows += [corrected_row(table_id, r, cols, agg, comparison) for r in rows if _year_row(r)]
        return Table(table_id, level, "", cols, rows)

    if table_id not in LEVELLED:
        return draft(None)
    if previous is not None and previous.level is not None:
        table = draft(previous.level)
        table.level_reason = f"kept from the earlier release (level {previous.level}); levels never get finer"
        return table
    first = draft(1)
    if not first.rows:
        return Table(
            table_id, None, "no complete period yet; the level is chosen at first publication", [], []
        )
    share = publishable_share(first)
    if share >= LEVEL_SHARE:
        first.level_reason = (
            f"level 1 keeps {share:.0%} of the table's cells publishable (at least 75% needed)"
        )
        return first
    second = draft(2)
    second.level_reason = (
        f"level 2: level 1 would keep only {share:.0%} of the table's cells publishable (75% needed); "
        f"level 2 keeps {publishable_share(second):.0%}"
    )
    return second


def build_tables(
    agg: Aggregate, comparison: Comparison | None, previous: dict[str, Table] | None = None
) -> dict[str, Table]:
    """Build every table of a release from the aggregate, freezing rows of the previous release."""
    previous = previous or {}
    return {tid: build_table(tid, agg, comparison, previous.get(tid)) for tid in TABLE_IDS}
