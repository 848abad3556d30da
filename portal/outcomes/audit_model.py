"""Build what an attacker knows from published tables, and the quantities the audit checks.

Input is only what releases publish (table values and flags), plus, at publish time, the
true cell vector so that a figure an earlier release published and the data have since
revised gets an unknown shift (its revision, itself a protected difference) instead of an
equation that no longer holds. Every release's published count is an equation over one cell
vector: figures of earlier releases are frozen and, without revisions, the releases'
vectors coincide (OUTCOMES.md section 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from portal.outcomes.audit_system import System
from portal.outcomes.blocks import NOT_ACHIEVED, Expr, Layout, expr
from portal.outcomes.columns import MILESTONE_COLUMNS, RACE_BANDS, TYPE_BANDS
from portal.outcomes.rules import NOT_LISTED, percent_rows
from portal.outcomes.tables import Cell, Row, Table, cell_expr


@dataclass(frozen=True)
class Entry:
    """One audited quantity: a hidden count, an implied count, or a revision between releases."""

    id: str
    label: str
    kind: str  # cell | implied | revision
    expr: Expr
    signed: bool = False


@dataclass
class Fact:
    """One published equation or range: lo <= expr <= hi."""

    expr: Expr
    lo: float
    hi: float
    figures: frozenset[bytes] = frozenset()  # current figures whose hiding removes this fact


@dataclass
class Model:
    """The attacker's system and the audited quantities for a set of releases."""

    layout: Layout
    n_vars: int
    structure: list[tuple[Expr, Expr | None]]  # part = hub (or 0), see Layout.structure
    facts: list[Fact]
    entries: list[Entry]
    revisions: dict[str, int] = field(default_factory=dict)  # entry id -> true shift
    shifts: list[tuple[int, int, int]] = field(default_factory=list)  # (plus, minus variable, true shift)

    def true_vector(self, x: np.ndarray) -> np.ndarray:
        """Return the true cells with every revision shift at its true value."""
        full = np.r_[x, np.zeros(self.n_vars - len(x), dtype=x.dtype)]
        for plus, minus, shift in self.shifts:
            full[plus], full[minus] = max(shift, 0), max(-shift, 0)
        return full

    def violated(self, x: np.ndarray) -> int:
        """Return how many identities and facts the true cells break (0 unless the model is wrong)."""
        system = self.system()
        values = system.a @ self.true_vector(x)
        return int(np.sum((values < system.lo - 1e-6) | (values > system.hi + 1e-6)))

    def rows(self, drop: set[bytes] = frozenset(), hard_only: bool = False) -> tuple[list[Expr], list, list]:
        """Return identities and facts as rows, without the facts of dropped figures.

        Where a hub total (a quarter's referrals) is itself published, its identities are
        written as "part = value" rather than "part = hub": the same system, but the blocks
        no longer share variables, so the solver gets small independent pieces.
        """
        facts = [f for f in self.facts if not (f.figures & drop) and not (hard_only and f.figures)]
        known = {f.expr.key(): f.lo for f in facts if f.lo == f.hi}
        rows, lo, hi = [], [], []
        for part, hub in self.structure:
            value = 0.0 if hub is None else known.get(hub.key())
            rows.append(part if value is not None else part + hub.scaled(-1))
            lo.append(value or 0.0)
            hi.append(value or 0.0)
        rows += [f.expr for f in facts]
        return rows, lo + [f.lo for f in facts], hi + [f.hi for f in facts]

    def system(self, drop: set[bytes] = frozenset()) -> System:
        """Return the linear system of everything published (less the facts of dropped figures)."""
        rows, lo, hi = self.rows(drop)
        return System.of(rows, np.array(lo), np.array(hi), self.upper_bounds())

    def upper_bounds(self, big: float = np.inf) -> np.ndarray:
        """Return the variables' upper bounds (revision shifts are unbounded)."""
        return np.r_[self.layout.upper_bounds(big), np.full(self.n_vars - self.layout.n_vars, big)]


def build_model(
    layout: Layout,
    releases: list[dict[str, Table]],
    truth: np.ndarray | None = None,
    current_figures: set[bytes] | None = None,
) -> Model:
    """Build the model of every release given (oldest first; the last is the one being made).

    `current_figures` are the expression keys of counts the current release may still hide
    (its new, non-zero, published counts); their facts carry the key so complementary
    suppression can relax them.
    """
    builder = _Builder(
        Model(layout, layout.n_vars, layout.structure(), [], []), truth, current_figures or set()
    )
    for number, tables in enumerate(releases):
        current = number == len(releases) - 1
        for table in tables.values():
            for row in table.rows:
                builder.add_row(table, row, soft=current and not row.frozen)
    builder.model.entries = list(builder.entries.values())
    return builder.model


class _Builder:
    """Collect facts and entries row by row, once per distinct expression."""

    def __init__(self, model: Model, truth: np.ndarray | None, current_figures: set[bytes]) -> None:
        self.model, self.truth, self.current_figures = model, truth, current_figures
        self.facts: dict[tuple, Fact] = {}
        self.entries: dict[bytes, Entry] = {}

    def add_row(self, table: Table, row: Row, soft: bool) -> None:
        """Add a row's published counts and percentages as facts, its hidden and implied counts as entries."""
        layout = self.model.layout
        exprs = {c.key: cell_expr(layout, row, c) for c in table.columns if c.kind == "count"}
        used = {key: self._count(table, row, key, e, soft) for key, e in exprs.items()}
        for col in table.columns:
            if col.kind == "percent" and row.cells[col.key].value is not None:
                figures = frozenset(
                    exprs[k].key() for k in col.of if soft and exprs[k].key() in self.current_figures
                )
                n, d = (used[k] or exprs[k] for k in col.of)
                for a, b, lo, hi in percent_rows(int(row.cells[col.key].value)):
                    self._fact(n.scaled(a) + d.scaled(b), lo, hi, figures)
        for entry in implied(layout, table, row):
            self.entries.setdefault(entry.expr.key(), entry)

    def _count(self, table: Table, row: Row, key: str, e: Expr, soft: bool) -> Expr | None:
        """Add one count cell; return the expression its published value pins (None if hidden)."""
        cell, ident = row.cells[key], f"{table.id}/{row.key}/{key}"
        if cell.flag == NOT_LISTED:
            return None  # an earlier correction row left it out: it says nothing
        if cell.value is None:
            self.entries.setdefault(e.key(), Entry(ident, _label(table, row, key), "cell", e))
            return None
        value = float(cell.value)
        figure = e.key() if soft and e.key() in self.current_figures else None
        known = self.facts.get((e.key(), value))
        if known is not None:
            if figure is None:
                known.figures = frozenset()  # also published where it cannot be hidden
            return known.expr
        pinned = e
        if self.truth is not None and e.value(self.truth) != value:
            # Published earlier on data revised since: an unknown shift, itself audited.
            pinned = self._shifted(e, ident, _label(table, row, key), e.value(self.truth) - int(value))
        fact = Fact(pinned, value, value, frozenset({figure}) if figure else frozenset())
        self.facts[(e.key(), value)] = fact
        self.model.facts.append(fact)
        return pinned

    def _shifted(self, e: Expr, ident: str, label: str, shift: int) -> Expr:
        """Return e minus a new revision shift variable pair, recording the shift as an entry."""
        model = self.model
        plus, minus = model.n_vars, model.n_vars + 1
        model.n_vars += 2
        entry = Entry(
            f"{ident}/revision",
            f"{label}: change since published",
            "revision",
            expr([plus, minus], np.array([1, -1])),
            signed=True,
        )
        self.entries.setdefault(entry.expr.key(), entry)
        model.revisions[entry.id] = shift
        model.shifts.append((plus, minus, shift))
        return e + expr([plus, minus], np.array([-1, 1]))

    def _fact(self, e: Expr, lo: float, hi: float, figures: frozenset[bytes]) -> None:
        ident = (e.key(), lo, hi)
        if ident not in self.facts:
            self.facts[ident] = Fact(e, lo, hi, figures)
            self.model.facts.append(self.facts[ident])


def _label(table: Table, row: Row, key: str) -> str:
    """Return plain words for a cell: table, row and column."""
    col = table.column(key)
    name = f"{col.group}: {col.label}" if col.group else col.label
    return f"{table.id} {row.label} — {name}"


# ----- implied counts --------------------------------------------------------------------


class Candidate(NamedTuple):
    """An implied count of a row and the cells it is the difference of (the first is hidden first)."""

    key: str
    label: str
    expr: Expr
    operands: tuple  # column keys of this row, or ("@6", key) for the 6-month row's cell
    always: bool = False  # listed even when every operand is published


def candidates(layout: Layout, table: Table, row: Row) -> list[Candidate]:
    """Return a row's implied counts: funnel drop-outs, not-achieved, complements, persons."""
    out: list[Candidate] = []
    quarters, tid = row.quarters, table.id
    if tid == "T4":
        q = quarters.start
        out.append(
            Candidate(
                "not_taken_in",
                "referred, intake not completed",
                layout.not_taken_in(q),
                ("intake", "referred"),
            )
        )
        out.append(
            Candidate(
                "not_engaged",
                "intake completed, not engaged at 90 days",
                layout.not_engaged(q),
                ("engaged", "intake"),
            )
        )
    elif tid == "T6":
        for name, (k, label) in MILESTONE_COLUMNS.items():
            out.append(
                Candidate(
                    f"{k}_not_achieved",
                    f"{label}: not achieved",
                    layout.milestone(name, quarters, NOT_ACHIEVED[row.window]),
                    (k, "followed_up"),
                )
            )
            if row.window == 12:
                out.append(
                    Candidate(
                        f"{k}_achieved_6_to_12",
                        f"{label}: achieved between 6 and 12 months",
                        layout.milestone(name, quarters, (1,)),
                        (k, ("@6", k)),
                    )
                )
    elif tid == "T7":
        bands = [("", "All", None)] + [(f"{k}_", label, c) for k, label, c in TYPE_BANDS[table.level or 1]]
        for prefix, label, cats in bands:
            hit, base = f"{prefix}rearrested", f"{prefix}followed_up"
            out.append(
                Candidate(
                    f"{prefix}not_rearrested",
                    f"{label}: not re-arrested",
                    layout.milestone("rearrest", quarters, NOT_ACHIEVED[row.window], cats),
                    (hit, base),
                )
            )
            if row.window == 12:
                out.append(
                    Candidate(
                        f"{prefix}rearrested_6_to_12",
                        f"{label}: re-arrested between 6 and 12 months",
                        layout.milestone("rearrest", quarters, (1,), cats),
                        (hit, ("@6", hit)),
                    )
                )
    elif tid == "T2":
        for k, label, cats in RACE_BANDS[table.level or 1]:
            others = tuple(i for i in range(4) if i not in cats)
            out.append(
                Candidate(
                    f"{k}_complement",
                    f"all but {label}",
                    layout.episodes(quarters, "race", others),
                    (k, "total"),
                )
            )
    elif tid == "P":
        out += _persons_candidates(layout, table, row)
    return out


def implied(layout: Layout, table: Table, row: Row) -> list[Entry]:
    """Return the implied counts of a row that some hidden cell leaves unpublished."""
    return [
        Entry(f"{table.id}/{row.key}/{c.key}", f"{table.id} {row.label} — {c.label}", "implied", c.expr)
        for c in candidates(layout, table, row)
        if c.always or any(_hidden(operand_cell(table, row, op)) for op in c.operands)
    ]


def _hidden(cell: Cell) -> bool:
    """Say whether a cell hides its count (a correction not listed is no new hiding)."""
    return cell.value is None and cell.flag != NOT_LISTED


def operand_cell(table: Table, row: Row, operand: str | tuple[str, str]) -> Cell:
    """Return an operand's cell: this row's, or the same column of the row's 6-month row."""
    if isinstance(operand, tuple):
        six = row.key.replace("@12m", "@6m")
        other = next((r for r in table.rows if r.key == six), None)
        return other.cells[operand[1]] if other is not None else Cell(None, "missing")
    return row.cells[operand]


def _persons_candidates(layout: Layout, table: Table, row: Row) -> list[Candidate]:
    """Return repeat episodes through a P row, and new persons and repeats since the row before."""
    out = [
        Candidate(
            "repeat_episodes",
            "repeat referral episodes since launch",
            layout.episodes(row.quarters, "sequence", (1,)),
            ("persons",),
            True,
        )
    ]
    earlier = [r for r in table.rows if r.end < row.end]
    if earlier:
        before = max(earlier, key=lambda r: r.end)
        span = range(before.quarters.stop, row.quarters.stop)
        out.append(
            Candidate(
                f"new_persons_since_{before.key}",
                f"persons first referred after {before.label}",
                layout.episodes(span, "sequence", (0,)),
                ("persons",),
                True,
            )
        )
        out.append(
            Candidate(
                f"repeat_episodes_since_{before.key}",
                f"repeat referral episodes after {before.label}",
                layout.episodes(span, "sequence", (1,)),
                ("persons",),
                True,
            )
        )
    return out
