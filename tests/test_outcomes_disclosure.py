"""Primary suppression, the rate rules and audit-driven complementary suppression."""

from portal.outcomes.disclosure import figures, primary, protect
from portal.outcomes.rules import SUPPRESSED, WITHHELD, is_small, whole_percent
from portal.outcomes.tables import Aggregate, build_tables
from tests.test_outcomes_tables import make_records, random_records


def suppressed(records, extract=None):
    """Build the tables of some records and apply primary suppression; return (tables, agg)."""
    agg = Aggregate.of(records)
    tables = build_tables(agg, None)
    primary(tables, agg, figures(tables, agg))
    return tables, agg


def t6_row(tables, key):
    return next(r for r in tables["T6"].rows if r.key == key)


def cohort(achieved: int, size: int) -> list[dict]:
    """Return `size` episodes of 2017 of which `achieved` were housed by 12 months."""
    return [{"referral": "2017-03", "outcomes": {"housed": (0, int(i < achieved))}} for i in range(size)]


def test_every_new_count_of_one_to_ten_is_hidden_and_zero_is_shown():
    tables, _ = suppressed(random_records(11, 250))
    seen_zero = False
    for table in tables.values():
        for row in table.rows:
            for key, cell in row.cells.items():
                if table.column(key).kind == "count" and cell.value is not None:
                    assert not is_small(cell.value)
                    seen_zero |= cell.value == 0
                if cell.value is None and table.column(key).kind == "count":
                    assert cell.flag == SUPPRESSED  # one symbol, whatever the reason
    assert seen_zero


def test_zero_of_twelve_and_twelve_of_twelve_publish_neither_rate_nor_counts():
    for achieved in (0, 12):
        tables, _ = suppressed(make_records(cohort(achieved, 12), extract="2019-06-30"))
        row = t6_row(tables, "2016-2017@12m")
        assert row.cells["followed_up"].value == 12
        assert row.cells["housing"].value is None and row.cells["housing"].flag == SUPPRESSED
        assert row.cells["housing_percent"].value is None and row.cells["housing_percent"].flag == WITHHELD


def test_a_small_not_achieved_count_withholds_both_counts_and_the_rate():
    tables, _ = suppressed(make_records(cohort(30, 35), extract="2019-06-30"))
    row = t6_row(tables, "2016-2017@12m")
    assert row.cells["followed_up"].value == 35
    assert row.cells["housing"].value is None and row.cells["housing_percent"].value is None


def test_zero_percent_appears_with_a_denominator_of_thirty_or_more():
    tables, _ = suppressed(make_records(cohort(0, 40), extract="2019-06-30"))
    row = t6_row(tables, "2016-2017@12m")
    assert row.cells["housing"].value == 0 and row.cells["housing_percent"].value == 0
    assert row.cells["treatment"].value == 0
    tables, _ = suppressed(make_records(cohort(15, 40), extract="2019-06-30"))
    assert t6_row(tables, "2016-2017@12m").cells["housing_percent"].value == whole_percent(15, 40) == 38


def test_shares_are_withheld_when_their_count_is_hidden():
    episodes = [{"referral": "2017-02", "race": "black_nh"} for _ in range(30)]
    episodes += [{"referral": "2017-02", "race": "white_nh"} for _ in range(4)]
    episodes += [{"referral": "2017-02", "race": "hispanic"} for _ in range(20)]
    tables, _ = suppressed(make_records(episodes, extract="2018-03-01"))
    row = tables["T2"].rows[0]
    assert row.cells["white"].value is None and row.cells["white_share"].flag == WITHHELD
    assert row.cells["white_ratio"].value is None


def test_a_small_funnel_drop_out_hides_the_intake_count():
    episodes = [{"referral": "2019-02"} for _ in range(20)] + [{"referral": "2019-02", "intake": None}] * 3
    tables, _ = suppressed(make_records(episodes, extract="2019-12-01"))
    row = next(r for r in tables["T4"].rows if r.key == "2019Q1")
    assert row.cells["referred"].value == 23
    assert row.cells["intake"].value is None


def test_a_single_hidden_part_beside_a_published_total_gets_company():
    episodes = [{"referral": "2023-02"} for _ in range(30)] + [
        {"referral": "2023-02", "type": "social_contact"}
    ] * 3
    tables, _ = suppressed(make_records(episodes, extract="2023-06-01"))
    row = next(r for r in tables["T1"].rows if r.key == "2023Q1")
    hidden = [k for k, c in row.cells.items() if c.value is None]
    assert "social_contact" in hidden and len(hidden) >= 2


def test_protect_makes_every_protected_quantity_pass():
    records = random_records(12, 220, extract="2020-03-31")
    agg = Aggregate.of(records)
    tables = build_tables(agg, None)
    result = protect(tables, agg, [])
    assert not result.failures
    assert sum(result.protected) > 0
    assert all(v.passes for v, p in zip(result.verdicts, result.protected, strict=True) if p)
    assert "complementary" not in {c.flag for t in tables.values() for r in t.rows for c in r.cells.values()}
