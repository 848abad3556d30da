"""Complementary suppression: the cheapest further counts to hide so a failing quantity passes.

For a protected quantity that the audit can pin (it cannot be 0, or cannot reach 11), solve
one small MILP: find whole-number cell vectors — one where the quantity is 0, one where it is
11 or more, as needed — that agree with every published figure except those we choose to
hide, and choose them at least cost. A hidden figure costs 10 plus its value, so small
counts are preferred; counts already hidden are free, and counts earlier releases published
cannot be hidden at all. Hiding only ever removes equations, so a quantity that passed keeps
passing; the caller re-audits everything afterwards anyway.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from portal.outcomes.audit import TIME_LIMIT, Stats, check
from portal.outcomes.audit_model import Entry, Model
from portal.outcomes.audit_system import System, matrix
from portal.outcomes.blocks import Expr
from portal.outcomes.disclosure import Figure
from portal.outcomes.rules import K
from portal.outcomes.tables import Aggregate

BASE_COST = 10  # per hidden count, on top of its value: prefer few cells, then small ones


def repair(
    model: Model,
    failing: list[Entry],
    figs: dict[bytes, Figure],
    reasons: dict[bytes, str],
    agg: Aggregate,
    stats: Stats,
) -> set[bytes]:
    """Return the further figures to hide so that each failing quantity passes."""
    added: set[bytes] = set()
    total = int(agg.x[agg.layout.cells("type")].sum())
    for entry in failing:
        hidden = set(reasons) | added
        verdict = check(model.system(hidden), [entry.expr], [entry.signed], stats=stats)[0]
        if verdict.passes:
            continue
        zero, high, low = (0.0, 0.0), (float(K), np.inf), (-np.inf, float(-K))
        # A signed difference (a revision) may reach 11 either way: try up, then down.
        options = [[high], [low]] if entry.signed else [[high]]
        for reach in options:
            needs = ([zero] if not verdict.can_be_zero else []) + (reach if not verdict.can_reach else [])
            keys = _fix(model, entry, needs, hidden, figs, total, stats)
            if keys is not None:
                added |= keys
                break
    return added


def _fix(
    model: Model,
    entry: Entry,
    needs: list[tuple[float, float]],
    hidden: set[bytes],
    figs: dict[bytes, Figure],
    total: int,
    stats: Stats,
) -> set[bytes] | None:
    """Try small moves of the published counts first (a tighter, faster MILP), then any move."""
    for margin in (4 * K, 2 * total + 4 * K):
        keys = cheapest(model, entry, needs, hidden, figs, margin, stats)
        if keys is not None:
            return keys
    return None


def cheapest(
    model: Model,
    entry: Entry,
    needs: list[tuple[float, float]],
    hidden: set[bytes],
    figs: dict[bytes, Figure],
    margin: int,
    stats: Stats,
) -> set[bytes] | None:
    """Solve the MILP choosing figures to hide; None when no choice works within its limits.

    `needs` are the ranges the quantity must reach, one witness cell vector for each; every
    still-published count of the release may move by up to `margin` if it is hidden.
    """
    soft = [f for f in model.facts if len(f.figures) == 1 and f.lo == f.hi and not (f.figures & hidden)]
    keys = [next(iter(f.figures)) for f in soft]
    n, m, copies = model.n_vars, len(soft), len(needs)
    rows, base_lo, base_hi = model.rows(hard_only=True)
    base = matrix(rows, n)
    soft_matrix = matrix([f.expr for f in soft], n)
    values = np.array([f.lo for f in soft])
    big = np.array([f.lo for f in soft]) + margin
    # Variables: for each copy c: x_c (n), over_c (m), under_c (m); then the choices s (m).
    width = copies * (n + 2 * m) + m
    blocks, lows, highs = [], [], []
    target = matrix([entry.expr], n)
    for c, (target_lo, target_hi) in enumerate(needs):
        start = c * (n + 2 * m)

        def place(a: sparse.csr_array, column: int, width: int = width) -> sparse.csr_array:
            left = sparse.csr_array((a.shape[0], column))
            right = sparse.csr_array((a.shape[0], width - column - a.shape[1]))
            return sparse.hstack([left, a, right]).tocsr()

        eye = sparse.eye_array(m, format="csr")
        blocks += [place(base, start)]
        lows.append(base_lo)
        highs.append(base_hi)
        # soft fact: a x - over + under = value
        blocks.append(place(sparse.hstack([soft_matrix, -eye, eye]).tocsr(), start))
        lows.append(values)
        highs.append(values)
        # over, under <= big * s
        choice = sparse.diags_array(-big, format="csr")
        for shift in (n, n + m):
            blocks.append(place(eye, start + shift) + place(choice, width - m))
            lows.append(np.full(m, -np.inf))
            highs.append(np.zeros(m))
        blocks.append(place(target, start))
        lows.append(np.full(1, target_lo))
        highs.append(np.full(1, target_hi))
    cost = np.zeros(width)
    cost[width - m :] = [BASE_COST + figs[k].true for k in keys]
    upper = np.concatenate([np.r_[model.upper_bounds(), big, big] for _ in needs] + [np.ones(m)])
    integrality = np.concatenate([np.r_[np.ones(n), np.zeros(2 * m)] for _ in needs] + [np.ones(m)])
    constraint = LinearConstraint(sparse.vstack(blocks).tocsr(), np.concatenate(lows), np.concatenate(highs))
    stats.milp += 1
    result = milp(
        cost,
        constraints=[constraint],
        bounds=Bounds(np.zeros(width), upper),
        integrality=integrality,
        options={"time_limit": TIME_LIMIT},
    )
    if result.x is None or result.status not in (0, 1):
        return None
    chosen = result.x[width - m :] > 0.5
    return {k for k, on in zip(keys, chosen, strict=True) if on}


def pinned(system: System, quantity: Expr, value: int, stats: Stats) -> bool:
    """Say whether a quantity can take no value but `value` (a wasted complementary cell)."""
    c = matrix([quantity], system.n)
    for lo, hi in ((-np.inf, value - 1), (value + 1, np.inf)):
        stats.milp += 1
        constraints = [LinearConstraint(system.a, system.lo, system.hi), LinearConstraint(c, lo, hi)]
        result = milp(
            np.zeros(system.n),
            constraints=constraints,
            bounds=Bounds(np.zeros(system.n), system.ub),
            integrality=np.ones(system.n),
            options={"time_limit": TIME_LIMIT},
        )
        if result.status in (0, 1) and result.x is not None:
            return False
    return True
