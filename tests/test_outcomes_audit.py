"""The integer-programming audit: the section 5 fixtures and the solver's rules."""

import numpy as np

from portal.outcomes.audit import Stats, bounds, check
from portal.outcomes.audit_model import build_model
from portal.outcomes.audit_system import System, presolve
from portal.outcomes.blocks import LAUNCH_QUARTER, expr
from portal.outcomes.columns import columns
from portal.outcomes.rules import K, percent_rows, whole_percent
from portal.outcomes.tables import Aggregate, Table, build_tables, fill, period_row
from tests.test_outcomes_tables import make_records

TABLE = np.array([[5, 20, 30], [25, 40, 15], [12, 18, 22]])
CELL = np.arange(9).reshape(3, 3)


def two_way(published: set[tuple[int, int]]) -> System:
    """Return what an attacker knows of TABLE: row, column and grand totals plus the published cells."""
    rows, values = [], []
    for i in range(3):
        rows += [expr(CELL[i]), expr(CELL[:, i])]
        values += [TABLE[i].sum(), TABLE[:, i].sum()]
    rows.append(expr(CELL))
    values.append(TABLE.sum())
    for i, j in sorted(published):
        rows.append(expr([CELL[i, j]]))
        values.append(TABLE[i, j])
    values = np.array(values, dtype=float)
    return System.of(rows, values, values, np.full(9, np.inf))


EVERY_CELL = {(i, j) for i in range(3) for j in range(3)}


def test_primary_only_suppression_of_a_two_way_table_with_margins_fails():
    system = two_way(EVERY_CELL - {(0, 0)})
    [verdict] = check(system, [expr([CELL[0, 0]])])
    assert not verdict.passes
    assert bounds(system, expr([CELL[0, 0]])) == (5, 5)  # the program recovers the cell exactly


def test_a_correct_complementary_pattern_passes():
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1)}
    system = two_way(EVERY_CELL - hidden)
    [verdict] = check(system, [expr([CELL[0, 0]])])
    assert verdict.passes
    assert bounds(system, expr([CELL[0, 0]])) == (0, 25)


def test_cumulative_plus_quarterly_totals_with_one_quarter_hidden_fails():
    quarters = [12, 15, 4, 20]
    rows = [expr([i]) for i in (0, 1, 3)] + [expr([0, 1, 2, 3])]
    values = np.array([12, 15, 20, sum(quarters)], dtype=float)
    system = System.of(rows, values, values, np.full(4, np.inf))
    [verdict] = check(system, [expr([2])])
    assert verdict.can_be_zero is False and verdict.can_reach is False


def test_a_coded_band_under_ten_percent_fails_at_small_denominators():
    for denominator, passes in ((20, False), (300, True)):
        # n hidden, d published, and the band "under 10%": 0 <= 100 n < 10 d.
        rows = [expr([1]), expr([0, 1], np.array([100, -10]))]
        lo = np.array([denominator, -np.inf])
        hi = np.array([denominator, -1.0])
        system = System.of(rows, lo, hi, np.full(2, np.inf))
        [verdict] = check(system, [expr([0])])
        assert verdict.passes is passes


def test_a_published_percentage_pins_its_count_with_its_denominator():
    n, d = 7, 40
    p = whole_percent(n, d)
    rows = [expr([1])] + [expr([0, 1], np.array([a, b])) for a, b, _, _ in percent_rows(p)]
    lo = np.array([d] + [low for _, _, low, _ in percent_rows(p)], dtype=float)
    hi = np.array([d] + [high for _, _, _, high in percent_rows(p)], dtype=float)
    system = System.of(rows, lo, hi, np.full(2, np.inf))
    assert bounds(system, expr([0])) == (7, 7)


def test_an_lp_solution_never_proves_a_pass():
    # 2a - 2b = 1 has fractional solutions only: the LP says "a can reach 11", milp says no.
    system = System.of([expr([0, 1], np.array([2, -2]))], np.ones(1), np.ones(1), np.full(2, np.inf))
    stats = Stats()
    [verdict] = check(system, [expr([0])], stats=stats)
    assert verdict.can_reach is False and stats.milp >= 1


def test_presolve_fixes_cells_and_finds_contradictions():
    system = System.of(
        [expr([0]), expr([0, 1])], np.array([3.0, 5.0]), np.array([3.0, 5.0]), np.full(3, np.inf)
    )
    reduced = presolve(system)
    assert reduced.feasible and list(reduced.free) == [2] and list(reduced.fixed[:2]) == [3, 2]
    broken = System.of([expr([0]), expr([0])], np.array([3.0, 4.0]), np.array([3.0, 4.0]), np.full(1, np.inf))
    assert not presolve(broken).feasible
    assert check(broken, [expr([0])])[0].passes is False


def test_a_signed_difference_passes_when_it_can_be_zero_or_minus_eleven():
    # d = a - b with a + b = 20 published: d ranges over -20..20 in steps of 2.
    system = System.of([expr([0, 1])], np.array([20.0]), np.array([20.0]), np.full(2, np.inf))
    [verdict] = check(system, [expr([0, 1], np.array([1, -1]))], [True])
    assert verdict.passes


# ----- fixtures through the real block model ---------------------------------------------


def _quarter_rows(records):
    agg = Aggregate.of(records)
    return agg, build_tables(agg, None)


def test_unique_persons_published_quarterly_fails():
    # Two persons are referred again in 2019 Q2; P published at the end of Q1 and of Q2.
    episodes = [{"referral": "2019-01", "person": i} for i in range(30)]
    episodes += [{"referral": "2019-05", "person": 100 + i} for i in range(20)]
    episodes += [{"referral": "2019-05", "person": i, "seq": 2} for i in range(2)]
    records = make_records(episodes, extract="2019-08-15")
    agg, tables = _quarter_rows(records)
    p_rows = []
    for end in ("2019-03", "2019-06"):
        row = period_row(3 * LAUNCH_QUARTER, (int(end[:4]) - 2016) * 12 + int(end[5:]) - 1, "since_launch")
        p_rows.append(fill("P", row, columns("P", None), agg, None))
    tables["P"] = Table("P", None, "", columns("P", None), p_rows)
    model = build_model(agg.layout, [tables])
    verdicts = dict(
        zip(
            [e.id for e in model.entries], check(model.system(), [e.expr for e in model.entries]), strict=True
        )
    )
    repeats = next(key for key in verdicts if "repeat_episodes_since" in key)
    assert not verdicts[repeats].passes  # episodes - persons between the two figures is exactly 2


def test_a_corrected_year_figure_differing_by_one_person_fails_unless_protected():
    base = [{"referral": f"2019-{m:02d}"} for m in range(1, 13) for _ in range(4)]
    before = make_records(base, extract="2020-02-15")
    after = make_records(base + [{"referral": "2019-05"}], extract="2020-02-15")  # one late record
    earlier = build_tables(Aggregate.of(before), None)
    agg = Aggregate.of(after)
    corrected = build_tables(agg, None)
    model = build_model(agg.layout, [earlier, corrected], truth=agg.x)
    revision = [e for e in model.entries if e.kind == "revision"]
    assert revision and all(model.revisions[e.id] == 1 for e in revision)
    assert not any(
        v.passes for v in check(model.system(), [e.expr for e in revision], [True] * len(revision))
    )
    # Protected: the corrected figures that pin the shift are hidden.
    for table in corrected.values():
        for row in table.rows:
            if row.end >= (2019 - 2016) * 12 + 3:  # every corrected figure from 2019 Q2 on
                for cell in row.cells.values():
                    if cell.value is not None:
                        cell.value, cell.flag = None, "suppressed"
    model = build_model(agg.layout, [earlier, corrected], truth=agg.x)
    revision = [e for e in model.entries if e.kind == "revision"]
    assert all(v.passes for v in check(model.system(), [e.expr for e in revision], [True] * len(revision)))


def test_zero_and_eleven_are_the_thresholds():
    assert K == 11
