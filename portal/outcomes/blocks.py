"""The block model: the count cells every published figure is a sum of (OUTCOMES.md section 5).

Each block crosses the referral quarter with the dimensions one table publishes together:
quarter × referral type (the hub), × race, × age, × gender, × first-or-repeat episode,
× each milestone's 6/12-month pattern, and quarter × type × re-arrest pattern. Every block
is joined to the hub on its quarter margin (re-arrest on quarter × type), so the blocks form
a tree and any set of block tables that agree on those margins is the table of some real
set of episodes: the model is exact, not an approximation.

Referral → intake → exit is one more block, written as a flow network over quarters instead
of the full quarter × intake quarter × exit quarter cross (about 20,000 cells, and every
caseload figure would touch thousands of them). An episode is a path: referred in quarter
q, it waits (arcs `wait`) until it is taken in during some quarter (`in_stay`, or
`in_exit` when it also leaves that quarter), then stays on the caseload (`key_stay`,
`star_stay`) until it exits (`key_exit`, `star_exit`) with a reason. Conservation holds at
every node and any whole-number flow splits into whole paths, so every arc-sum figure
(intakes and engagement per referral quarter, caseload at each quarter's end, exits by
reason) has exactly the values some real set of episodes would give. The referral quarter
is kept on the caseload only for the quarter of intake (`key_*`): engagement at 90 days is
undecided only for an exit in the quarter after referral, and that is where it is split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from portal.outcomes.schema import (
    CATEGORIES,
    FOLLOW_UP_LAG_MONTHS,
    LAUNCH_INDEX,
    OUTCOME_PAIRS,
    Records,
)

LAUNCH_QUARTER = LAUNCH_INDEX // 3  # quarters since 2016 Q1; local quarter 0 is the launch quarter
TYPES = ("arrest_diversion", "social_contact", "other")
RACES = ("black", "white", "hispanic", "another_or_unknown")
AGES = ("18-34", "35-44", "45-54", "55+")
GENDERS = ("man", "woman_or_another")
SEQUENCE = ("first", "repeat")
PATTERNS = ("NN", "NY", "YY", "N?", "Y?", "??")  # (6-month, 12-month); ? = window still open
MILESTONES = ("housed", "treatment", "id_obtained", "benefits")
REASONS = ("goals_met", "other")
ACHIEVED = {6: (2, 4), 12: (1, 2)}  # pattern indices with a Y at that window
NOT_ACHIEVED = {6: (0, 1, 3), 12: (0,)}
UNKNOWN = {6: (5,), 12: (3, 4, 5)}

# Input codes (index into schema.CATEGORIES) -> block category.
TYPE_OF = np.array([0, 1, 2, 2])
RACE_OF = np.array([0, 1, 2, 3, 3])
AGE_OF = np.array([0, 0, 1, 2, 3])
GENDER_OF = np.array([0, 1, 1])
# (6-month + 1) * 3 + (12-month + 1), with -1 NA, 0 N, 1 Y -> pattern; -1 is impossible.
PATTERN_OF = np.array([5, -1, -1, 3, 0, 1, 4, -1, 2])
_GOALS_MET = CATEGORIES["status_at_extract"].index("exited_goals_met")
_INTAKE_YES = CATEGORIES["intake_completed"].index("Y")


class Expr(NamedTuple):
    """A linear expression over model variables: sum of coef * x[idx]."""

    idx: np.ndarray
    coef: np.ndarray

    def value(self, x: np.ndarray) -> int:
        """Evaluate the expression at a vector of cell values."""
        return int(np.dot(self.coef, x[self.idx]))

    def key(self) -> bytes:
        """Return a canonical key: equal expressions give equal keys."""
        return self.idx.tobytes() + b"|" + self.coef.tobytes()

    def __add__(self, other: Expr) -> Expr:  # type: ignore[override]
        return expr(np.concatenate([self.idx, other.idx]), np.concatenate([self.coef, other.coef]))

    def scaled(self, factor: int) -> Expr:
        """Return the expression multiplied by a whole number."""
        return Expr(self.idx, self.coef * factor)


def expr(idx: np.ndarray, coef: np.ndarray | int = 1) -> Expr:
    """Build an expression, merging repeated variables and dropping zero coefficients."""
    idx = np.asarray(idx, dtype=np.int64).ravel()
    coef = np.broadcast_to(np.asarray(coef, dtype=np.int64), idx.shape).ravel()
    unique, inverse = np.unique(idx, return_inverse=True)
    total = np.bincount(inverse, weights=coef, minlength=len(unique)).astype(np.int64)
    keep = total != 0
    return Expr(unique[keep], total[keep])


@dataclass(frozen=True)
class Layout:
    """Where each block's cells sit in the variable vector, for quarters launch..extract."""

    n_quarters: int  # launch quarter to the extract's quarter, inclusive
    extract_month: int

    @classmethod
    def for_extract(cls, extract_month: int) -> Layout:
        """Return the layout covering every quarter up to the extract's."""
        return cls(extract_month // 3 - LAUNCH_QUARTER + 1, extract_month)

    @cached_property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Return each block's shape."""
        n = self.n_quarters
        shapes: dict[str, tuple[int, ...]] = {
            "type": (n, len(TYPES)),
            "race": (n, len(RACES)),
            "age": (n, len(AGES)),
            "gender": (n, len(GENDERS)),
            "sequence": (n, 2),
        }
        shapes.update({name: (n, len(PATTERNS)) for name in MILESTONES})
        shapes["rearrest"] = (n, len(TYPES), len(PATTERNS))
        shapes.update(
            wait=(n, n),
            in_stay=(n, n),
            in_exit=(n, n, 2, 2),  # referral q, quarter t, reason, engaged
            key_exit=(n, 2, 2),  # exits in q+1 of those taken in during q
            key_stay=(n,),
            star_exit=(n, 2),  # exits in t+1 of the rest of the caseload at the end of t
            star_stay=(n,),
        )
        return shapes

    @cached_property
    def offsets(self) -> dict[str, int]:
        """Return each block's first variable index."""
        offsets, at = {}, 0
        for name, shape in self.shapes.items():
            offsets[name] = at
            at += int(np.prod(shape))
        return offsets

    @property
    def n_vars(self) -> int:
        """Return the number of cells."""
        last = list(self.shapes)[-1]
        return self.offsets[last] + int(np.prod(self.shapes[last]))

    def cells(self, block: str) -> np.ndarray:
        """Return the variable indices of a block, shaped like the block."""
        shape = self.shapes[block]
        return self.offsets[block] + np.arange(int(np.prod(shape))).reshape(shape)

    def local(self, quarter: int) -> int:
        """Return the local index of an absolute quarter (quarters since 2016 Q1)."""
        return quarter - LAUNCH_QUARTER

    # ----- figures -----------------------------------------------------------------------

    def episodes(self, quarters: range, block: str = "type", cats: tuple[int, ...] | None = None) -> Expr:
        """Return referral episodes of some quarters, optionally in some categories of a block."""
        cells = self.cells(block)[_span(quarters)]
        if cats is not None and len(cats) < cells.shape[1]:
            cells = cells[:, list(cats)]
        elif block != "type":  # a whole margin equals the hub's: use one form for equal figures
            cells = self.cells("type")[_span(quarters)]
        return expr(cells)

    def intake(self, q: int) -> Expr:
        """Return episodes referred in local quarter q that completed intake."""
        return expr(self.cells("in_stay")[q]) + expr(self.cells("in_exit")[q])

    def not_taken_in(self, q: int) -> Expr:
        """Return episodes referred in q without intake by the extract (the funnel drop-out)."""
        return expr(self.cells("wait")[q, self.n_quarters - 1])

    def engaged(self, q: int) -> Expr:
        """Return episodes referred in q engaged at 90 days."""
        return (
            expr(self.cells("in_exit")[q, :, :, 1])
            + expr(self.cells("in_stay")[q, q + 1 :])
            + expr(self.cells("key_exit")[q, :, 1])
            + expr(self.cells("key_stay")[q])
        )

    def not_engaged(self, q: int) -> Expr:
        """Return episodes referred in q that completed intake but were not engaged at 90 days."""
        return expr(self.cells("in_exit")[q, :, :, 0]) + expr(self.cells("key_exit")[q, :, 0])

    def caseload(self, t: int) -> Expr:
        """Return the active caseload at the end of local quarter t."""
        return (
            expr(self.cells("in_stay")[t, t])
            + expr(self.cells("star_exit")[t])
            + expr(self.cells("star_stay")[t])
        )

    def exits(self, quarters: range, reasons: tuple[int, ...] = (0, 1)) -> Expr:
        """Return exits (of episodes that completed intake) during some quarters."""
        span = _span(quarters)
        parts = [self.cells("in_exit")[:, span][:, :, list(reasons)]]
        before = slice(max(span.start - 1, 0), span.stop - 1)
        if span.stop - 1 > 0:
            parts.append(self.cells("key_exit")[before][:, list(reasons)])
            parts.append(self.cells("star_exit")[before][:, list(reasons)])
        return expr(np.concatenate([p.ravel() for p in parts]))

    def milestone(
        self, name: str, quarters: range, patterns: tuple[int, ...], types: tuple[int, ...] | None = None
    ) -> Expr:
        """Return episodes of some quarters with one of the given 6/12-month patterns."""
        if name in MILESTONES:
            return expr(self.cells(name)[_span(quarters)][:, list(patterns)])
        cells = self.cells("rearrest")[_span(quarters)]
        if types is not None:
            cells = cells[:, list(types)]
        return expr(cells[..., list(patterns)])

    # ----- what the public rules make impossible ------------------------------------------

    def upper_bounds(self, big: float) -> np.ndarray:
        """Return each cell's upper bound: 0 where the definitions rule the cell out, else big."""
        ub = np.full(self.n_vars, big)
        n = self.n_quarters
        before = np.tril(np.ones((n, n), dtype=bool), -1)  # t < q: before the referral
        ub[self.cells("wait")[before]] = 0
        ub[self.cells("in_stay")[before]] = 0
        ub[self.cells("in_exit")[before].ravel()] = 0
        q, t = np.indices((n, n))
        ub[self.cells("in_exit")[(t == q)][:, :, 1].ravel()] = 0  # left in the referral quarter
        ub[self.cells("in_exit")[(t >= q + 2)][:, :, 0].ravel()] = 0  # left 6+ months later
        ub[self.cells("key_exit")[n - 1].ravel()] = 0
        ub[self.cells("star_exit")[n - 1].ravel()] = 0
        ub[self.cells("star_exit")[0].ravel()] = 0  # nobody but the launch quarter's own yet
        ub[self.cells("star_stay")[0]] = 0
        for pattern_cells in self._unknown_patterns():
            ub[pattern_cells] = 0
        return ub

    def _unknown_patterns(self) -> list[np.ndarray]:
        """Return pattern cells ruled out by the extract date (NA exactly while a window is open)."""
        out = []
        months = (np.arange(self.n_quarters) + LAUNCH_QUARTER) * 3
        for window in (6, 12):
            shift = window + FOLLOW_UP_LAG_MONTHS
            all_closed = months + 2 + shift <= self.extract_month
            none_closed = months + shift > self.extract_month
            known = [p for p in range(len(PATTERNS)) if p not in UNKNOWN[window]]
            for name in (*MILESTONES, "rearrest"):
                cells = self.cells(name)
                out.append(cells[all_closed][..., list(UNKNOWN[window])].ravel())
                out.append(cells[none_closed][..., known].ravel())
        return out

    def structure(self) -> list[tuple[Expr, Expr | None]]:
        """Return the identities every cell vector satisfies, as pairs (part, hub): part = hub.

        `hub` is a sum of hub cells (a quarter's total, or one type's cells) or None for 0;
        the caller may replace it by its value where that total is published, which cuts the
        blocks apart for the solver.
        """
        rows: list[tuple[Expr, Expr | None]] = []
        n = self.n_quarters
        hub = self.cells("type")
        for block in ("race", "age", "gender", "sequence", *MILESTONES):
            cells = self.cells(block)
            rows += [(expr(cells[q]), expr(hub[q])) for q in range(n)]
        rear = self.cells("rearrest")
        rows += [(expr(rear[q, k]), expr(hub[q, k])) for q in range(n) for k in range(len(TYPES))]
        wait, stay, leave = self.cells("wait"), self.cells("in_stay"), self.cells("in_exit")
        key_exit, key_stay = self.cells("key_exit"), self.cells("key_stay")
        star_exit, star_stay = self.cells("star_exit"), self.cells("star_stay")
        for q in range(n):
            rows.append((expr(np.r_[wait[q, q], stay[q, q], leave[q, q].ravel()]), expr(hub[q])))
            for t in range(q + 1, n):
                rows.append(
                    (
                        expr(np.r_[wait[q, t], stay[q, t], leave[q, t].ravel()]) + expr(wait[q, t - 1], -1),
                        None,
                    )
                )
            rows.append((expr(stay[q, q]) + expr(np.r_[key_exit[q].ravel(), key_stay[q]], -1), None))
        for t in range(n):
            inflow = [stay[:t, t]]
            if t:
                inflow.append([key_stay[t - 1], star_stay[t - 1]])
            into = expr(np.concatenate([np.ravel(a) for a in inflow]))
            rows.append((into + expr(np.r_[star_exit[t], star_stay[t]], -1), None))
        return rows


def _span(quarters: range) -> slice:
    """Return a contiguous range of local quarters as a slice."""
    if quarters.step != 1:
        raise ValueError("quarter ranges are contiguous")
    return slice(quarters.start, quarters.stop)


def count(records: Records, layout: Layout) -> np.ndarray:
    """Count the episodes into every cell of the layout (vectorised; no loop over rows)."""
    n = layout.n_quarters
    x = np.zeros(layout.n_vars, dtype=np.int64)
    q = records.referral_month.astype(np.int64) // 3 - LAUNCH_QUARTER
    if len(q) and (q.min() < 0 or q.max() >= n):
        raise ValueError("a referral month lies outside the layout's quarters")
    codes = records.codes
    kind = TYPE_OF[codes["referral_type"]]

    def add(block: str, *keys: np.ndarray, where: np.ndarray | None = None) -> None:
        shape = layout.shapes[block]
        if where is not None:
            keys = tuple(k[where] for k in keys)
        flat = np.ravel_multi_index(keys, shape) if len(shape) > 1 else keys[0]
        x[layout.offsets[block] : layout.offsets[block] + int(np.prod(shape))] += np.bincount(
            flat, minlength=int(np.prod(shape))
        )

    add("type", q, kind)
    add("race", q, RACE_OF[codes["race_ethnicity"]])
    add("age", q, AGE_OF[codes["age_band"]])
    add("gender", q, GENDER_OF[codes["gender"]])
    add("sequence", q, (records.episode_seq > 1).astype(np.int64))
    for six, twelve in OUTCOME_PAIRS:
        name = six[: -len("_6m")]
        pattern = PATTERN_OF[(records.outcomes[six] + 1) * 3 + records.outcomes[twelve] + 1]
        if (pattern < 0).any():
            raise ValueError(f"{name}: a 6-month Y without the 12-month Y")
        if name in MILESTONES:
            add(name, q, pattern)
        else:
            add("rearrest", q, kind, pattern)
    _count_flow(records, layout, q, add, x)
    return x


def _count_flow(
    records: Records, layout: Layout, q: np.ndarray, add: Callable[..., None], x: np.ndarray
) -> None:
    """Count the flow arcs of every episode's path."""
    n = layout.n_quarters
    took = (records.codes["intake_completed"] == _INTAKE_YES) & (records.intake_month >= 0)
    iq = np.where(took, records.intake_month.astype(np.int64) // 3 - LAUNCH_QUARTER, n)
    left = took & (records.exit_month >= 0)
    eq = np.where(left, records.exit_month.astype(np.int64) // 3 - LAUNCH_QUARTER, n)
    reason = (records.codes["status_at_extract"] != _GOALS_MET).astype(np.int64)
    engaged = (took & (~left | (records.exit_month >= records.referral_month + 3))).astype(np.int64)

    waiting = np.zeros((n, n + 1), dtype=np.int64)
    np.add.at(waiting, (q, iq), 1)
    after = np.cumsum(waiting[:, ::-1], axis=1)[:, ::-1]  # after[q, j]: intake in j or later (or none)
    wait = after[:, 1:] * np.triu(np.ones((n, n), dtype=np.int64))
    x[layout.cells("wait").ravel()] += wait.ravel()

    add("in_stay", q, iq, where=took & (eq > iq))
    add("in_exit", q, iq, reason, engaged, where=left & (eq == iq))
    keyed = took & (iq == q)
    add("key_exit", q, reason, engaged, where=keyed & left & (eq == q + 1))
    add("key_stay", q, where=keyed & (~left | (eq > q + 1)))
    # The rest of the caseload: from the quarter of intake (the one after, if keyed) to exit.
    first = np.where(keyed, iq + 1, iq)
    leaves = left & (eq - 1 >= first)
    add("star_exit", eq - 1, reason, where=leaves)
    last = np.where(left, eq - 2, n - 1)
    stays = took & (last >= first)
    runs = np.bincount(first[stays], minlength=n + 1) - np.bincount(last[stays] + 1, minlength=n + 1)
    x[layout.cells("star_stay")] += np.cumsum(runs)[:n]
