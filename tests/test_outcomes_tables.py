"""Aggregation into the block model and the tables T1–T8 and P."""

import datetime
import time

import numpy as np
import pytest

from portal.outcomes.blocks import Layout, count
from portal.outcomes.disclosure import protect
from portal.outcomes.schema import CATEGORIES, OUTCOME_PAIRS, Records, month_index, window_closed
from portal.outcomes.tables import Aggregate, build_tables, publishable_share

EXTRACT = "2026-03-31"


def make_records(episodes: list[dict], extract: str = EXTRACT) -> Records:
    """Build Records from short episode dicts; anything not given takes a plain default.

    Keys: referral (YYYY-MM), person, seq, type, race, gender, age, intake (YYYY-MM or None),
    exit (YYYY-MM or None), status, outcomes ({milestone: (six, twelve)} with 1, 0 or -1).
    """
    day = datetime.date.fromisoformat(extract)
    extract_month = (day.year - 2016) * 12 + day.month - 1
    n = len(episodes)
    referral = np.array([month_index(e["referral"]) for e in episodes], dtype=np.int16)

    def code(column: str, key: str, default: str) -> np.ndarray:
        return np.array([CATEGORIES[column].index(e.get(key, default)) for e in episodes], dtype=np.int8)

    intake = np.array(
        [
            -1 if e.get("intake", e["referral"]) is None else month_index(e.get("intake", e["referral"]))
            for e in episodes
        ],
        dtype=np.int16,
    )
    exit_ = np.array(
        [-1 if e.get("exit") is None else month_index(e["exit"]) for e in episodes], dtype=np.int16
    )
    status = [e.get("status", "exited_goals_met" if e.get("exit") else "active") for e in episodes]
    codes = {
        "referral_type": code("referral_type", "type", "arrest_diversion"),
        "referring_agency": np.zeros(n, dtype=np.int8),
        "offence_group": np.array(
            [0 if e.get("type", "arrest_diversion") == "arrest_diversion" else 5 for e in episodes],
            dtype=np.int8,
        ),
        "race_ethnicity": code("race_ethnicity", "race", "black_nh"),
        "gender": code("gender", "gender", "man"),
        "age_band": code("age_band", "age", "25-34"),
        "homeless_at_referral": np.zeros(n, dtype=np.int8),
        "intake_completed": np.where(intake >= 0, 0, 1).astype(np.int8),
        "status_at_extract": np.array(
            [CATEGORIES["status_at_extract"].index(s) for s in status], dtype=np.int8
        ),
    }
    outcomes = {}
    for six, twelve in OUTCOME_PAIRS:
        name = six[: -len("_6m")]
        given = [e.get("outcomes", {}).get(name, (0, 0)) for e in episodes]
        for column, window, position in ((six, 6, 0), (twelve, 12, 1)):
            closed = window_closed(referral.astype(np.int64), window, extract_month)
            outcomes[column] = np.where(closed, [g[position] for g in given], -1).astype(np.int8)
    person = np.array([e.get("person", i) for i, e in enumerate(episodes)], dtype=np.int32)
    _, person = np.unique(person, return_inverse=True)
    return Records(
        person=person.astype(np.int32).ravel(),
        episode_seq=np.array([e.get("seq", 1) for e in episodes], dtype=np.int32),
        referral_month=referral,
        intake_month=intake,
        exit_month=exit_,
        codes=codes,
        outcomes=outcomes,
        extract_as_of=day,
    )


def random_records(seed: int, n: int, extract: str = EXTRACT) -> Records:
    """Draw n valid random episodes (every one a first referral unless it repeats a person)."""
    rng = np.random.default_rng(seed)
    day = datetime.date.fromisoformat(extract)
    last = (day.year - 2016) * 12 + day.month - 1
    episodes = []
    for _ in range(n):
        referral = int(rng.integers(3, last + 1))
        took = rng.random() < 0.8
        intake = min(referral + int(rng.integers(0, 3)), last) if took else None
        leave = intake + int(rng.integers(0, 30)) if took else None
        exit_ = leave if took and leave <= last else None
        six = int(rng.random() < 0.3)
        kind = ["arrest_diversion", "social_contact", "community", "other"][
            int(rng.choice(4, p=[0.7, 0.2, 0.05, 0.05]))
        ]
        episodes.append(
            {
                "referral": _month(referral),
                "type": kind,
                "race": CATEGORIES["race_ethnicity"][int(rng.choice(5, p=[0.5, 0.3, 0.1, 0.05, 0.05]))],
                "gender": CATEGORIES["gender"][int(rng.choice(3, p=[0.7, 0.25, 0.05]))],
                "age": CATEGORIES["age_band"][int(rng.integers(0, 5))],
                "intake": None if intake is None else _month(intake),
                "exit": None if exit_ is None else _month(exit_),
                "status": ("exited_goals_met" if rng.random() < 0.5 else "exited_other")
                if exit_ is not None
                else "active",
                "outcomes": {
                    name: (six, max(six, int(rng.random() < 0.4)))
                    for name in ("housed", "treatment", "id_obtained", "benefits", "rearrest")
                },
            }
        )
    order = sorted(range(n), key=lambda i: episodes[i]["referral"])
    return make_records([episodes[i] for i in order], extract)


def as_of(records: Records, extract: str) -> Records:
    """Return the records as an earlier extract would have shown them (no revisions)."""
    from dataclasses import replace

    day = datetime.date.fromisoformat(extract)
    last = (day.year - 2016) * 12 + day.month - 1
    sub = records.subset(records.referral_month <= last)
    intake = np.where(sub.intake_month <= last, sub.intake_month, -1).astype(np.int16)
    exit_ = np.where((sub.exit_month <= last) & (intake >= 0), sub.exit_month, -1).astype(np.int16)
    codes = dict(sub.codes)
    codes["intake_completed"] = np.where(intake >= 0, 0, 1).astype(np.int8)
    codes["status_at_extract"] = np.where(exit_ >= 0, sub.codes["status_at_extract"], 0).astype(np.int8)
    outcomes = {}
    for six, twelve in OUTCOME_PAIRS:
        for column, window in ((six, 6), (twelve, 12)):
            closed = window_closed(sub.referral_month.astype(np.int64), window, last)
            outcomes[column] = np.where(closed, sub.outcomes[column], -1).astype(np.int8)
    return replace(
        sub, intake_month=intake, exit_month=exit_, codes=codes, outcomes=outcomes, extract_as_of=day
    )


def _month(index: int) -> str:
    return f"{2016 + index // 12}-{index % 12 + 1:02d}"


def cells(table, column: str) -> dict:
    """Return {row key: value} of one column."""
    return {row.key: row.cells[column].value for row in table.rows}


# ----- the block model -------------------------------------------------------------------


def test_block_counts_satisfy_every_identity_and_structural_zero():
    records = random_records(1, 400)
    layout = Layout.for_extract(records.extract_month)
    x = count(records, layout)
    for part, hub in layout.structure():
        assert part.value(x) == (hub.value(x) if hub is not None else 0)
    assert not np.any(x > layout.upper_bounds(np.inf))
    assert x[layout.cells("type")].sum() == len(records)


def test_flow_figures_match_a_direct_count():
    records = random_records(2, 300)
    layout = Layout.for_extract(records.extract_month)
    x = count(records, layout)
    took = records.intake_month >= 0
    quarter = records.referral_month // 3 - 1
    for q in (0, 5, 17, 30):
        mine = quarter == q
        engaged = (
            mine & took & ((records.exit_month < 0) | (records.exit_month >= records.referral_month + 3))
        )
        assert layout.intake(q).value(x) == np.sum(mine & took)
        assert layout.not_taken_in(q).value(x) == np.sum(mine & ~took)
        assert layout.engaged(q).value(x) == np.sum(engaged)
        end = 3 * (q + 1) + 2
        active = (
            took & (records.intake_month <= end) & ((records.exit_month < 0) | (records.exit_month > end))
        )
        assert layout.caseload(q).value(x) == np.sum(active)


# ----- tables ----------------------------------------------------------------------------


def test_t1_rows_only_for_complete_quarters_with_year_and_since_launch_totals():
    records = make_records(
        [{"referral": "2016-05"}, {"referral": "2017-02"}, {"referral": "2017-11"}], extract="2018-02-15"
    )
    tables = build_tables(Aggregate.of(records), None)
    t1 = tables["T1"]
    keys = [r.key for r in t1.rows]
    assert keys[0] == "2016Q2" and "2017Q4" in keys and "2018Q1" not in keys
    assert "2016" in keys and "2017" in keys and "2018" not in keys
    totals = cells(t1, "total")
    assert totals["since-launch-2016-2017"] == 3
    assert totals["2016"] == 1 and totals["2017"] == 2


def test_t4_t5_wait_three_months_and_t6_waits_for_follow_up():
    records = random_records(3, 200, extract="2019-05-10")
    tables = build_tables(Aggregate.of(records), None)
    assert tables["T4"].rows[-1].key == "2018Q4"  # 2019 Q1 ended in March: 3 months only in June
    assert tables["T1"].rows[len(tables["T4"].rows)].key == "2019Q1"
    later = build_tables(Aggregate.of(random_records(3, 200, extract="2019-06-01")), None)
    assert later["T4"].rows[-1].key == "2019Q1" and later["T5"].rows[-1].key == "2019Q1"
    t6 = [r.key for r in tables["T6"].rows]
    # 2016–2017 at 6 months closes 2018-09 (Dec + 6 + 3); 2018 at 12 months would need 2020-03.
    assert "2016-2017@6m" in t6 and "2016-2017@12m" in t6
    assert not any(k.startswith("2018") and k.endswith("@12m") for k in t6)


def test_table_values_are_the_direct_counts():
    records = random_records(4, 500)
    tables = build_tables(Aggregate.of(records), None)
    year = records.referral_month // 12 + 2016
    t3 = tables["T3"]
    row = next(r for r in t3.rows if r.key in ("2019", "2018-2019"))
    first, last = int(row.key[:4]), int(row.key[-4:])
    in_period = (year >= first) & (year <= last)
    assert row.cells["total"].value == np.sum(in_period)
    man = records.codes["gender"] == 0
    assert row.cells["man"].value == np.sum(in_period & man)
    exits = tables["T8"].rows[2]
    exit_year = records.exit_month // 12 + 2016
    left = (records.intake_month >= 0) & (records.exit_month >= 0)
    span = (exit_year >= int(exits.key[:4])) & (exit_year <= int(exits.key[-4:]))
    assert exits.cells["total"].value == np.sum(left & span)


def test_p_publishes_one_row_per_closed_year_and_keeps_earlier_rows():
    records = random_records(5, 300)
    first = build_tables(Aggregate.of(records), None)
    assert [r.key for r in first["P"].rows] == ["since-launch-2016-2025"]
    by_2025 = records.referral_month < month_index("2026-01")
    assert first["P"].rows[0].cells["persons"].value == len(np.unique(records.person[by_2025]))
    later = build_tables(
        Aggregate.of(records), None, {"P": _with_row_key(first["P"], "since-launch-2016-2024")}
    )
    assert [r.key for r in later["P"].rows] == ["since-launch-2016-2024", "since-launch-2016-2025"]
    assert later["P"].rows[0].frozen


def _with_row_key(table, key):
    from dataclasses import replace

    row = replace(table.rows[0], key=key, end=table.rows[0].end - 12)
    return replace(table, rows=[row])


def test_levels_follow_the_three_quarters_rule_and_never_get_finer():
    records = random_records(6, 150)
    tables = build_tables(Aggregate.of(records), None)
    for table in tables.values():
        if table.level == 1:
            assert publishable_share(table) >= 0.75
        if table.level == 2:
            assert "level 1 would keep only" in table.level_reason
    coarse = {tid: t for tid, t in tables.items()}
    coarse["T3"] = build_tables(Aggregate.of(records), None)["T3"]
    coarse["T3"].level = 2
    again = build_tables(Aggregate.of(random_records(6, 3000)), None, coarse)
    assert again["T3"].level == 2 and "never get finer" in again["T3"].level_reason


def test_frozen_rows_are_repeated_unchanged():
    records = random_records(7, 300)
    agg = Aggregate.of(records)
    first = build_tables(agg, None)
    first["T1"].rows[0].cells["total"].value = 999  # as if the earlier release had published this
    second = build_tables(agg, None, first)
    assert second["T1"].rows[0].cells["total"].value == 999 and second["T1"].rows[0].frozen
    assert not any(r.frozen for r in second["T1"].rows if r.group == "since_launch")


@pytest.mark.slow
def test_a_million_rows_aggregate_suppress_and_audit_fast_and_small():
    import tracemalloc

    n = 1_000_000
    rng = np.random.default_rng(0)
    referral = np.sort(rng.integers(3, 120, n)).astype(np.int16)
    intake = np.where(rng.random(n) < 0.8, np.minimum(referral + rng.integers(0, 3, n), 122), -1).astype(
        np.int16
    )
    leave = np.where(intake >= 0, intake + rng.integers(0, 30, n), -1)
    exit_ = np.where((leave >= 0) & (leave <= 122), leave, -1).astype(np.int16)
    six = (rng.random((5, n)) < 0.3).astype(np.int8)
    twelve = np.maximum(six, (rng.random((5, n)) < 0.4)).astype(np.int8)
    outcomes = {}
    for i, (a, b) in enumerate(OUTCOME_PAIRS):
        outcomes[a] = np.where(window_closed(referral.astype(np.int64), 6, 122), six[i], -1).astype(np.int8)
        outcomes[b] = np.where(window_closed(referral.astype(np.int64), 12, 122), twelve[i], -1).astype(
            np.int8
        )
    codes = {name: rng.integers(0, len(values), n).astype(np.int8) for name, values in CATEGORIES.items()}
    codes["intake_completed"] = np.where(intake >= 0, 0, 1).astype(np.int8)
    codes["status_at_extract"] = np.where(exit_ >= 0, 2, 0).astype(np.int8)
    records = Records(
        np.arange(n, dtype=np.int32),
        np.ones(n, dtype=np.int32),
        referral,
        intake,
        exit_,
        codes,
        outcomes,
        datetime.date(2026, 3, 31),
    )
    tracemalloc.start()
    started = time.perf_counter()
    tables = build_tables(Aggregate.of(records), None)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sum(r.cells["total"].value for r in tables["T1"].rows if r.group == "quarter") == n
    assert seconds < 20 and peak < 1 << 30
    started = time.perf_counter()
    result = protect(tables, Aggregate.of(records), [])
    assert not result.failures and seconds + time.perf_counter() - started < 60
