"""The attacker's linear system, and the presolve that cuts it into small independent pieces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from portal.outcomes.blocks import Expr

TOLERANCE = 1e-6


@dataclass(frozen=True)
class System:
    """What the attacker knows: lo <= a x <= hi, 0 <= x <= ub, x whole."""

    a: sparse.csr_array
    lo: np.ndarray
    hi: np.ndarray
    ub: np.ndarray

    @property
    def n(self) -> int:
        """Return the number of variables."""
        return len(self.ub)

    @classmethod
    def of(cls, rows: list[Expr], lo: np.ndarray, hi: np.ndarray, ub: np.ndarray) -> System:
        """Build a system from expressions and their bounds."""
        return cls(matrix(rows, len(ub)), np.asarray(lo, float), np.asarray(hi, float), np.asarray(ub, float))


def matrix(rows: list[Expr], n: int) -> sparse.csr_array:
    """Stack expressions as the rows of a sparse matrix with n columns."""
    if not rows:
        return sparse.csr_array((0, n))
    indptr = np.cumsum([0] + [len(r.idx) for r in rows])
    idx = np.concatenate([r.idx for r in rows])
    coef = np.concatenate([r.coef for r in rows]).astype(float)
    return sparse.csr_array((coef, idx, indptr), shape=(len(rows), n))


@dataclass(frozen=True)
class Reduced:
    """A system with the cells it fixes substituted out (a small presolve done once, in numpy)."""

    system: System  # over the free cells only
    free: np.ndarray  # original index of each free cell
    fixed: np.ndarray  # value of every original cell, 0 where free
    feasible: bool

    def split(self, cq: sparse.csr_array) -> tuple[sparse.csr_array, np.ndarray]:
        """Return quantities over the free cells and the constant each gets from fixed cells."""
        return cq[:, self.free].tocsr(), cq @ self.fixed


def presolve(system: System) -> Reduced:
    """Fix every cell an equation pins alone (x = v), repeatedly, and drop cells fixed at 0."""
    a = system.a.tocsr()
    n = system.n
    value = np.full(n, np.nan)
    value[system.ub == 0] = 0
    equal = system.lo == system.hi
    feasible = True
    while True:
        free = np.isnan(value)
        part = a[:, free].tocsr()
        singles = np.flatnonzero(equal & (np.diff(part.indptr) == 1))
        if not len(singles):
            break
        residual = system.lo[singles] - a[singles][:, ~free] @ value[~free]
        cols = np.flatnonzero(free)[part.indices[part.indptr[singles]]]
        found = residual / part.data[part.indptr[singles]]
        for col, v in zip(cols, found, strict=True):
            whole = round(v)
            if (
                abs(v - whole) > TOLERANCE
                or whole < 0
                or whole > system.ub[col]
                or (not np.isnan(value[col]) and value[col] != whole)
            ):
                feasible = False
            value[col] = whole
        if not feasible:
            break
    free = np.flatnonzero(np.isnan(value))
    fixed = np.nan_to_num(value)
    shift = a @ fixed
    lo, hi = system.lo - shift, system.hi - shift
    rest = a[:, free].tocsr()
    used = np.diff(rest.indptr) > 0
    idle = ~used
    if np.any(lo[idle] > TOLERANCE) or np.any(hi[idle] < -TOLERANCE):
        feasible = False  # the published figures contradict each other
    reduced = System(rest[used], lo[used], hi[used], system.ub[free])
    return Reduced(reduced, free, fixed, feasible)


def pieces(system: System, cq: sparse.csr_array):
    """Split the system into independent pieces, each with the quantities that lie in it.

    Cells that share no equation (directly or through others) with a quantity's cells cannot
    affect it, so every piece is solved on its own: many small problems, not one large one.
    """
    a = system.a
    n_rows = a.shape[0]
    m_all = sparse.vstack([a, cq]).tocsr()
    m_all.data[:] = 1
    graph = sparse.bmat([[None, m_all], [m_all.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    row_label, q_label, var_label = labels[:n_rows], labels[n_rows : m_all.shape[0]], labels[m_all.shape[0] :]
    empty = np.diff(cq.indptr) == 0
    if empty.any():
        yield None, np.flatnonzero(empty).tolist(), None
    for label in np.unique(q_label[~empty]):
        members = np.flatnonzero((q_label == label) & ~empty)
        vs = np.flatnonzero(var_label == label)
        rs = np.flatnonzero(row_label == label)
        piece = System(a[rs][:, vs].tocsr(), system.lo[rs], system.hi[rs], system.ub[vs])
        yield piece, members.tolist(), cq[members][:, vs].tocsr()
