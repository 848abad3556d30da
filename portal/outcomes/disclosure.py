"""Hide what the rules protect (OUTCOMES.md section 4), then prove it with the audit.

1. Primary suppression: every new count of 1–10; the achieved count of a rate when the rate
   rules say so; and one side of every implied count of 1–10 (a funnel drop-out, a
   not-achieved count, a race complement, repeat episodes against unique persons).
2. Percentages, shares and ratios are withheld wherever a count they rest on is hidden.
3. Complementary suppression: the audit (`audit.py`) checks every protected quantity against
   everything published in this and earlier releases; for each one that fails,
   `complementary.repair` finds the cheapest further counts to hide so that it passes.

Only new rows change: frozen rows keep what earlier releases published. A hidden count is
shown with one symbol whatever the reason, so the symbol never tells a small count apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from portal.outcomes.audit import Stats, Verdict, check
from portal.outcomes.audit_model import Entry, Model, build_model, candidates, operand_cell
from portal.outcomes.blocks import Expr
from portal.outcomes.rules import (
    MIN_RATE_DENOMINATOR,
    SUPPRESSED,
    UNAVAILABLE,
    WITHHELD,
    K,
    is_small,
    rate_hides_count,
)
from portal.outcomes.tables import Aggregate, Row, Table, cell_expr

Tables = dict[str, Table]
Progress = Callable[[str], None]


class ModelError(Exception):
    """The block model does not admit the true data: the audit would be meaningless."""


@dataclass
class Figure:
    """A distinct count of the new rows: one expression, wherever it appears."""

    expr: Expr
    true: int
    cells: list[tuple[str, str, str]] = field(default_factory=list)  # (table, row, column)


def figures(tables: Tables, agg: Aggregate) -> dict[bytes, Figure]:
    """Group the new rows' count cells by expression, with their true values."""
    out: dict[bytes, Figure] = {}
    for table in tables.values():
        for row in _new_rows(table):
            for col in table.columns:
                if col.kind == "count":
                    e = cell_expr(agg.layout, row, col)
                    figure = out.setdefault(e.key(), Figure(e, e.value(agg.x)))
                    figure.cells.append((table.id, row.key, col.key))
    return out


def _new_rows(table: Table) -> list[Row]:
    return [row for row in table.rows if not row.frozen]


def _row(tables: Tables, table_id: str, row_key: str) -> Row:
    return next(r for r in tables[table_id].rows if r.key == row_key)


def primary(tables: Tables, agg: Aggregate, figs: dict[bytes, Figure]) -> dict[bytes, str]:
    """Return the figures hidden by the k rule, the rate rules and small implied counts."""
    hidden = {key: "small" for key, f in figs.items() if is_small(f.true)}
    by_cell = {cell: key for key, f in figs.items() for cell in f.cells}
    for table in tables.values():
        if table.id == "T2":
            continue  # shares: withheld by `settle_rates`, their counts are not rates of success
        for row in _new_rows(table):
            for col in table.columns:
                if col.kind == "percent":
                    n, d = (row.cells[k].value for k in col.of)
                    if n is not None and d is not None and rate_hides_count(n, d):
                        hidden.setdefault(by_cell[(table.id, row.key, col.of[0])], "rate")
    # One side of each small implied count whose sides are all published.
    apply(tables, figs, hidden)
    for table in tables.values():
        for row in _new_rows(table):
            for cand in candidates(agg.layout, table, row):
                if not is_small(cand.expr.value(agg.x)):
                    continue
                cells = [(op, operand_cell(table, row, op)) for op in cand.operands]
                if any(cell.value is None for _, cell in cells):
                    continue
                for op, _ in cells:
                    key = by_cell.get(
                        (table.id, _operand_row(table, row, op), op if isinstance(op, str) else op[1])
                    )
                    if key is not None:
                        hidden.setdefault(key, "implied")
                        apply(tables, figs, {key: "implied"})
                        break
    spread(tables, figs, hidden)
    return hidden


def relations(tables: Tables) -> list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]]:
    """Return the additive relations of the tables: (total cell, its part cells).

    Within a row, the columns counting the same thing in categories of one block add up to
    the column counting it in all categories; in T1, quarters add up to years and to the
    since-launch total.
    """
    out = []
    for table in tables.values():
        counts = [c for c in table.columns if c.kind == "count"]
        for total in (c for c in counts if c.cats is None):
            groups: dict[str, list[str]] = {}
            for col in counts:
                if col.cats is not None and col.measure == total.measure:
                    groups.setdefault(col.block, []).append(col.key)
            for parts in groups.values():
                for row in table.rows:
                    out.append(((table.id, row.key, total.key), [(table.id, row.key, p) for p in parts]))
    t1 = tables["T1"]
    quarters = [r for r in t1.rows if r.group == "quarter"]
    for row in t1.rows:
        if row.group in ("year", "since_launch"):
            inside = [q for q in quarters if row.start <= q.start and q.end <= row.end]
            for col in t1.columns:
                out.append((("T1", row.key, col.key), [("T1", q.key, col.key) for q in inside]))
    return out


def spread(tables: Tables, figs: dict[bytes, Figure], hidden: dict[bytes, str]) -> None:
    """Give each small hidden part of a published total room: hide small parts beside it.

    Within a sum whose total is published, a hidden part of value v can reach 11 only if the
    other hidden parts hold at least 11 - v between them, and can be 0 only if some other
    part is hidden. Hiding the smallest published parts until that holds settles most cases
    before the audit, which then only has to repair the harder ones.
    """
    by_cell = {cell: key for key, f in figs.items() for cell in f.cells}
    cells = {(t.id, r.key, c): r.cells[c] for t in tables.values() for r in t.rows for c in r.cells}
    changed = True
    while changed:
        changed = False
        for total, parts in relations(tables):
            if cells[total].value is None:
                continue
            hidden_parts = [p for p in parts if cells[p].value is None]
            for part in hidden_parts:
                key = by_cell.get(part)
                if key is None or not is_small(figs[key].true):
                    continue
                room = sum(figs[by_cell[p]].true for p in hidden_parts if p != part and p in by_cell)
                if len(hidden_parts) >= 2 and room >= K - figs[key].true:
                    continue
                options = sorted(
                    (figs[by_cell[p]].true, p)
                    for p in parts
                    if cells[p].value not in (None, 0) and p in by_cell
                )
                if options:
                    choice = by_cell[options[0][1]]
                    hidden.setdefault(choice, "complementary")
                    apply(tables, figs, {choice: "complementary"})
                    changed = True
                    break
            if changed:
                break


def _operand_row(table: Table, row: Row, operand: str | tuple[str, str]) -> str:
    return row.key.replace("@12m", "@6m") if isinstance(operand, tuple) else row.key


def apply(tables: Tables, figs: dict[bytes, Figure], hidden: dict[bytes, str]) -> None:
    """Blank every cell of the hidden figures and settle the percentages that rest on them."""
    for key in hidden:
        for table_id, row_key, col_key in figs[key].cells:
            _row(tables, table_id, row_key).cells[col_key].value = None
            _row(tables, table_id, row_key).cells[col_key].flag = SUPPRESSED
    settle_rates(tables)


def settle_rates(tables: Tables) -> None:
    """Withhold each new percentage or ratio whose count, denominator or complement is hidden."""
    for table in tables.values():
        for row in _new_rows(table):
            for col in table.columns:
                if col.kind == "percent":
                    n, d = (row.cells[k].value for k in col.of)
                    if n is None or d is None or (n in (0, d) and d < MIN_RATE_DENOMINATOR):
                        row.cells[col.key].value, row.cells[col.key].flag = None, WITHHELD
            for col in table.columns:
                if col.kind == "ratio":
                    share, public = (row.cells[k] for k in col.of)
                    if share.value is None and row.cells[col.key].value is not None:
                        row.cells[col.key].value, row.cells[col.key].flag = None, WITHHELD
                    if public.flag == UNAVAILABLE:
                        row.cells[col.key].value, row.cells[col.key].flag = None, UNAVAILABLE


# ----- the audit-driven loop -------------------------------------------------------------


@dataclass
class Protection:
    """The outcome of disclosure control for one release (the reasons stay with the steward)."""

    tables: Tables
    model: Model
    entries: list[Entry]
    verdicts: list[Verdict]
    protected: list[bool]
    reasons: dict[bytes, str]
    figs: dict[bytes, Figure]
    stats: Stats
    wasted: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[tuple[Entry, Verdict]]:
        """Return the protected quantities that did not pass."""
        return [
            (e, v)
            for e, v, p in zip(self.entries, self.verdicts, self.protected, strict=True)
            if p and not v.passes
        ]


def is_protected(entry: Entry, model: Model, agg: Aggregate, must_pass: set[str]) -> bool:
    """Say whether an entry must pass: its true value is 1–10, or it passed in an earlier release."""
    if entry.kind == "revision":
        return is_small(abs(model.revisions[entry.id]))
    x = agg.x
    value = entry.expr.value(np.r_[x, np.zeros(model.n_vars - len(x), dtype=x.dtype)])
    return is_small(value) or entry.id in must_pass


def protect(
    tables: Tables,
    agg: Aggregate,
    earlier: list[Tables],
    must_pass: set[str] = frozenset(),
    progress: Progress | None = None,
    max_rounds: int = 12,
) -> Protection:
    """Suppress until every protected quantity passes the audit jointly with earlier releases.

    Each round audits every listed quantity (hidden counts and implied counts), so the last
    round is the release's audit report; quantities that fail get complementary cells.
    """
    from portal.outcomes.complementary import pinned, repair  # the MILPs that pick complementary cells

    say = progress or (lambda _message: None)
    stats = Stats()
    figs = figures(tables, agg)
    reasons = primary(tables, agg, figs)
    say(
        f"primary suppression: {sum(r != 'complementary' for r in reasons.values())} counts hidden, "
        f"{sum(r == 'complementary' for r in reasons.values())} beside them"
    )
    passed: dict[bytes, Verdict] = {}
    for round_number in range(1, max_rounds + 1):
        model = _model(tables, agg, earlier, figs, reasons)
        if model.violated(agg.x):
            # The attacker's model must admit the truth; if not, its ranges mean nothing.
            raise ModelError(f"{model.violated(agg.x)} published figures contradict the data as modelled")
        entries = model.entries
        protected = [is_protected(e, model, agg, must_pass) for e in entries]
        # Hiding only removes equations, so a quantity that passed keeps passing (its
        # witnesses still solve the smaller system): only the rest is checked again.
        todo = [e for e in entries if e.expr.key() not in passed]
        found = check(model.system(), [e.expr for e in todo], [e.signed for e in todo], stats=stats)
        fresh = dict(zip([e.expr.key() for e in todo], found, strict=True))
        verdicts = [passed.get(e.expr.key()) or fresh[e.expr.key()] for e in entries]
        passed.update({e.expr.key(): v for e, v in zip(entries, verdicts, strict=True) if v.passes})
        result = Protection(tables, model, entries, verdicts, protected, reasons, figs, stats)
        failing = [e for e, _ in result.failures]
        say(
            f"audit round {round_number}: {len(entries)} quantities checked, {sum(protected)} protected, "
            f"{len(failing)} fail ({stats.solves} solves, {stats.seconds:.1f} s)"
        )
        if not failing:
            break
        added = repair(model, failing, figs, reasons, agg, stats)
        if not added:
            break
        for key in added:
            reasons.setdefault(key, "complementary")
        apply(tables, figs, dict.fromkeys(added, "complementary"))
        say(f"complementary suppression: {len(added)} more counts hidden")
    system = result.model.system()
    by_expr = {e.expr.key(): v for e, v in zip(result.entries, result.verdicts, strict=True)}
    for key, why in reasons.items():
        verdict = by_expr.get(key)
        unproven = why == "complementary" and verdict is not None and not verdict.can_be_zero
        if unproven and pinned(system, figs[key].expr, figs[key].true, stats):
            result.wasted.append(" ".join(figs[key].cells[0]))
    return result


def _model(
    tables: Tables,
    agg: Aggregate,
    earlier: list[Tables],
    figs: dict[bytes, Figure],
    reasons: dict[bytes, str],
) -> Model:
    """Build the model with the new, non-zero, still published counts marked as hideable."""
    hideable = {key for key, f in figs.items() if key not in reasons and f.true > 0}
    return build_model(agg.layout, [*earlier, tables], truth=agg.x, current_figures=hideable)
