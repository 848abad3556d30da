"""The integer-programming audit: can each protected count be 0, and can it be 11 or more?

The attacker knows a linear system: lo <= A x <= hi over whole-number cells 0 <= x <= ub
(every published figure, the block model's identities, what the definitions rule out). A
protected quantity c·x passes when some whole-number solution gives it 0 and another gives
it 11 or more (for a signed difference: -11 or less also counts), so nobody can tell a small
count from zero or from a large one. Pure numpy/scipy; no true value is ever needed here.

Speed (the prototype's notes): only protected quantities are checked, and each check is a
feasibility question, not a full minimum or maximum. One whole-number solution answers many
questions at once, so the audit first solves two "sweep" problems (make as many quantities 0
as possible; lift as many to 11 as possible) and harvests every answer a solution gives;
only what is left is checked one by one. Every LP is solved first: an LP that is infeasible
proves a failure; an LP whose optimal vertex is whole is a real solution; otherwise `milp`
decides. A check that `milp` cannot decide in its time limit counts as a failure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from portal.outcomes.audit_system import TOLERANCE, System, matrix, pieces, presolve
from portal.outcomes.blocks import Expr
from portal.outcomes.rules import K

TIME_LIMIT = 30.0  # seconds for one milp; undecided counts as a failure
SWEEP_TIME_LIMIT = 5.0
SWEEPS = 6  # at most this many sweeps per piece and direction before one-by-one checks


@dataclass
class Verdict:
    """What the audit found for one quantity; None means it could not decide (a failure)."""

    can_be_zero: bool | None = None
    can_reach: bool | None = None

    @property
    def passes(self) -> bool:
        """Say whether the quantity is protected: it can be 0 and it can be 11 or more."""
        return bool(self.can_be_zero and self.can_reach)


@dataclass
class Stats:
    """How much solving the audit took."""

    lp: int = 0
    milp: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def solves(self) -> int:
        """Return the number of solver calls."""
        return self.lp + self.milp


@dataclass
class _Outcome:
    status: str  # solved | infeasible | undecided
    x: np.ndarray | None = None


class _Solver:
    """Solve LPs and MILPs over one system with extra rows and bounds, counting the calls."""

    def __init__(self, system: System, stats: Stats, time_limit: float) -> None:
        self.system, self.stats, self.time_limit = system, stats, time_limit

    def solve(
        self,
        objective: np.ndarray,
        extra: list[tuple[sparse.csr_array, np.ndarray, np.ndarray]] = (),
        ub: np.ndarray | None = None,
        extra_ub: float = np.inf,
        sweep: bool = False,
    ) -> _Outcome:
        """Find a point whose cells are whole numbers (added variables may be fractional)."""
        n_int = self.system.n
        size = len(objective)
        upper = np.full(size, float(extra_ub))
        upper[: self.system.n] = self.system.ub if ub is None else ub
        constraints = []
        base = self.system.a
        if size > self.system.n:
            base = sparse.hstack([base, sparse.csr_array((base.shape[0], size - self.system.n))]).tocsr()
        if base.shape[0]:
            constraints.append(LinearConstraint(base, self.system.lo, self.system.hi))
        constraints += [LinearConstraint(a, lo, hi) for a, lo, hi in extra]
        bounds = (np.zeros(size), upper)
        relaxed = self._run(objective, constraints, bounds, np.zeros(size), lp=True)
        if relaxed.status != "solved" or self._witness(relaxed, constraints, upper, n_int):
            return relaxed
        integrality = np.zeros(size)
        integrality[:n_int] = 1
        # A one-by-one check only needs some whole solution: drop the objective so milp stops
        # at the first one; a sweep keeps it (any solution it finds is still a valid answer).
        found = self._run(objective if sweep else np.zeros(size), constraints, bounds, integrality, lp=False)
        if found.status == "solved" and not self._witness(found, constraints, upper, n_int):
            return _Outcome("undecided")  # never trust a point that does not check out
        return found

    @staticmethod
    def _witness(outcome: _Outcome, constraints: list, upper: np.ndarray, n_int: int) -> bool:
        """Round the cells of a solution and say whether it is an exact whole-number solution."""
        x = outcome.x.copy()
        if not np.all(np.abs(x[:n_int] - np.round(x[:n_int])) < TOLERANCE):
            return False
        x[:n_int] = np.round(x[:n_int])
        if np.any(x < -TOLERANCE) or np.any(x > upper + TOLERANCE):
            return False
        for constraint in constraints:
            values = constraint.A @ x
            if np.any(values < constraint.lb - TOLERANCE) or np.any(values > constraint.ub + TOLERANCE):
                return False
        outcome.x = x
        return True

    def _run(
        self, objective: np.ndarray, constraints: list, bounds: tuple, integrality: np.ndarray, lp: bool
    ) -> _Outcome:
        if lp:
            self.stats.lp += 1
        else:
            self.stats.milp += 1
        options = {"time_limit": self.time_limit, "presolve": True}
        if not lp and objective.any():  # a sweep: any good whole solution will do, not the best
            options.update(time_limit=min(self.time_limit, SWEEP_TIME_LIMIT), mip_rel_gap=0.25)
        result = milp(
            objective,
            constraints=constraints,
            bounds=Bounds(*bounds),
            integrality=integrality,
            options=options,
        )
        if result.status == 2:
            return _Outcome("infeasible")
        if result.x is not None and (result.status == 0 or (result.status == 1 and not lp)):
            return _Outcome("solved", result.x)
        return _Outcome("undecided")


def check(
    system: System,
    quantities: list[Expr],
    signed: list[bool] | None = None,
    *,
    k: int = K,
    stats: Stats | None = None,
    time_limit: float = TIME_LIMIT,
) -> list[Verdict]:
    """Decide for each quantity whether it can be 0 and whether it can reach k (or -k if signed)."""
    stats = stats if stats is not None else Stats()
    started = time.perf_counter()
    signed = signed or [False] * len(quantities)
    verdicts = [Verdict() for _ in quantities]
    reduced = presolve(system)
    if not reduced.feasible:
        stats.notes.append("the published figures contradict each other: nothing can be checked")
        return verdicts
    cq, offset = reduced.split(matrix(quantities, system.n))
    for piece, members, piece_c in pieces(reduced.system, cq):
        if piece is None:  # the quantity depends on fixed cells only
            for i in members:
                verdicts[i] = Verdict(
                    bool(offset[i] == 0), bool(offset[i] >= k or (signed[i] and offset[i] <= -k))
                )
            continue
        solver = _Solver(piece, stats, time_limit)
        found = _check_piece(solver, piece_c, offset[members], [signed[i] for i in members], k)
        for i, verdict in zip(members, found, strict=True):
            verdicts[i] = verdict
    stats.seconds += time.perf_counter() - started
    return verdicts


def _check_piece(
    solver: _Solver, cq: sparse.csr_array, offset: np.ndarray, signed: list[bool], k: int
) -> list[Verdict]:
    """Run the sweeps and then the one-by-one checks over one independent piece."""
    verdicts = [Verdict() for _ in signed]
    zero_todo = set(range(len(signed)))
    high_todo = set(range(len(signed)))
    n = solver.system.n

    def harvest(x: np.ndarray) -> None:
        values = np.round(cq @ np.round(x[:n])) + offset
        for i in list(zero_todo):
            if values[i] == 0:
                verdicts[i].can_be_zero = True
                zero_todo.discard(i)
        for i in list(high_todo):
            if values[i] >= k or (signed[i] and values[i] <= -k):
                verdicts[i].can_reach = True
                high_todo.discard(i)

    # Sweep again over what is left while a sweep still answers something: the quantities
    # that one solution could not serve together often fit in the next one.
    for _ in range(SWEEPS):
        before = len(zero_todo)
        if len(zero_todo) > 1:
            _sweep_zero(solver, cq, zero_todo, signed, harvest)
        if len(zero_todo) == before:
            break
    for _ in range(SWEEPS):
        before = len(high_todo)
        if len(high_todo) > 1:
            _sweep_high(solver, cq, offset, high_todo, signed, harvest, k)
        if len(high_todo) == before:
            break
    for i in sorted(zero_todo):
        if i in zero_todo:
            verdicts[i].can_be_zero = _one_zero(solver, cq, offset[i], i, zero_todo, signed, harvest)
            zero_todo.discard(i)
    for i in sorted(high_todo):
        if i in high_todo:
            verdicts[i].can_reach = _one_high(solver, cq, offset[i], i, signed[i], k, harvest)
            high_todo.discard(i)
    return verdicts


def _unsigned_sum(cq: sparse.csr_array, todo: set[int], signed: list[bool]) -> np.ndarray:
    rows = [i for i in todo if not signed[i]]
    return np.asarray(cq[rows].sum(axis=0)).ravel() if rows else np.zeros(cq.shape[1])


def _sweep_zero(solver: _Solver, cq, todo: set[int], signed: list[bool], harvest) -> None:
    """Minimise the sum of the (non-negative) quantities: one solution shows many can be 0."""
    if not todo:
        return
    outcome = solver.solve(_unsigned_sum(cq, todo, signed), sweep=True)
    if outcome.status == "solved":
        harvest(outcome.x)


def _sweep_high(solver: _Solver, cq, offset, todo: set[int], signed: list[bool], harvest, k: int) -> None:
    """Maximise the sum of min(quantity, k): one solution shows many can reach k."""
    rows = sorted(i for i in todo if not signed[i])
    if not rows:
        return
    n, m = solver.system.n, len(rows)
    # y_j <= c_j x + offset_j with 0 <= y_j <= k; maximise sum y.
    link = sparse.hstack([-cq[rows], sparse.eye_array(m, format="csr")]).tocsr()
    objective = np.r_[np.zeros(n), -np.ones(m)]
    outcome = solver.solve(objective, [(link, np.full(m, -np.inf), offset[rows])], extra_ub=k, sweep=True)
    if outcome.status == "solved":
        harvest(outcome.x)


def _one_zero(
    solver: _Solver, cq, offset: float, i: int, todo: set[int], signed: list[bool], harvest
) -> bool | None:
    """Decide whether quantity i can be 0 (pushing the others still open towards 0 as well)."""
    row = cq[[i]]
    positive = bool((row.data > 0).all())
    if positive and offset > 0:
        return False  # a sum of cells plus a positive constant is never 0
    objective = _unsigned_sum(cq, todo - {i}, signed)
    if positive and offset == 0:  # c x = 0 with c > 0 means each of its cells is 0: bounds, not a row
        ub = solver.system.ub.copy()
        ub[row.indices] = 0
        outcome = solver.solve(objective, ub=ub)
    else:
        outcome = solver.solve(objective, [(row, np.full(1, -offset), np.full(1, -offset))])
    if outcome.status == "solved":
        harvest(outcome.x)
        return True
    return False if outcome.status == "infeasible" else None


def _one_high(solver: _Solver, cq, offset: float, i: int, signed: bool, k: int, harvest) -> bool | None:
    """Decide whether quantity i can reach k (or -k when signed)."""
    row = cq[[i]]
    zero = np.zeros(solver.system.n)
    ranges = [(np.full(1, k - offset), np.full(1, np.inf))]
    if signed:
        ranges.append((np.full(1, -np.inf), np.full(1, -k - offset)))
    undecided = False
    for lo, hi in ranges:
        outcome = solver.solve(zero, [(row, lo, hi)])
        if outcome.status == "solved":
            harvest(outcome.x)
            return True
        undecided |= outcome.status == "undecided"
    return None if undecided else False


def bounds(
    system: System, quantity: Expr, *, time_limit: float = TIME_LIMIT
) -> tuple[float | None, float | None]:
    """Return a quantity's whole-number minimum and maximum (None when unbounded or undecided)."""
    c = np.zeros(system.n)
    c[quantity.idx] = quantity.coef
    out = []
    for sign in (1, -1):
        integrality = np.ones(system.n)
        constraints = [LinearConstraint(system.a, system.lo, system.hi)] if system.a.shape[0] else []
        result = milp(
            sign * c,
            constraints=constraints,
            bounds=Bounds(np.zeros(system.n), system.ub),
            integrality=integrality,
            options={"time_limit": time_limit},
        )
        out.append(sign * result.fun if result.status == 0 else None)
    return out[0], out[1]
