"""The seeded synthetic demo inputs (OUTCOMES.md section 8) and their passing the validator."""

import datetime
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.outcomes.demo import (
    COMPARISON_SOURCE,
    generate_demo_comparison,
    generate_demo_records,
    write_demo_inputs,
)
from portal.outcomes.schema import CATEGORIES, OUTCOME_PAIRS, month_index
from portal.outcomes.validate import read_comparison, read_records


def read_text(text: str, folder: Path, name: str = "demo.csv"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return read_records(path)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default demo records, read through the validator."""
    return read_text(generate_demo_records(), tmp_path_factory.mktemp("demo"))


def referral_years(records) -> np.ndarray:
    return records.referral_month // 12 + 2016


def share(mask: np.ndarray) -> float:
    return float(np.mean(mask))


def test_same_seed_same_data_and_other_seeds_differ():
    assert generate_demo_records(7) == generate_demo_records(7)
    assert generate_demo_records(7) != generate_demo_records(8)
    assert generate_demo_comparison(7) == generate_demo_comparison(7)


def test_episodes_per_year(demo):
    years, counts = np.unique(referral_years(demo), return_counts=True)
    per_year = dict(zip(years.tolist(), counts.tolist(), strict=True))
    assert sorted(per_year) == list(range(2016, 2026))
    assert all(35 <= per_year[year] <= 50 for year in range(2016, 2022)), per_year
    assert 50 <= per_year[2022] <= 70
    assert all(70 <= per_year[year] <= 90 for year in range(2023, 2026)), per_year
    assert demo.referral_month.min() >= month_index("2016-04")


def test_referral_types(demo):
    kind = demo.codes["referral_type"]
    late = referral_years(demo) >= 2023
    assert np.all(kind[~late] == 0)  # arrest diversion only before 2023
    assert 0.60 <= share(kind[late] == 0) <= 0.80
    assert 0.15 <= share(kind[late] == 1) <= 0.35
    assert 0.0 < share(kind[late] >= 2) <= 0.10


def test_repeats_intake_and_caseload(demo):
    assert 0.05 <= 1 - demo.n_persons / len(demo) <= 0.15
    assert np.any(demo.episode_seq >= 2)
    assert 0.72 <= share(demo.codes["intake_completed"] == 0) <= 0.88
    for year in (2024, 2025):
        end = month_index(f"{year}-12")
        on_caseload = (demo.intake_month >= 0) & (demo.intake_month <= end)
        on_caseload &= (demo.exit_month < 0) | (demo.exit_month > end)
        assert 60 <= int(on_caseload.sum()) <= 110, year


@pytest.mark.parametrize(
    ("name", "target"),
    [("housed", 0.35), ("treatment", 0.45), ("id_obtained", 0.50), ("benefits", 0.60), ("rearrest", 0.40)],
)
def test_twelve_month_milestones(demo, name, target):
    values = demo.outcomes[f"{name}_12m"]
    known = values >= 0
    assert known.sum() > 400
    assert abs(share(values[known] == 1) - target) <= 0.08


def test_six_month_values_are_consistent_and_windows_open_late(demo):
    for six, twelve in OUTCOME_PAIRS:
        both = demo.outcomes[twelve] >= 0
        assert np.all(demo.outcomes[twelve][both & (demo.outcomes[six] == 1)] == 1)
        assert 0 < share(demo.outcomes[six][both] == 1) < share(demo.outcomes[twelve][both] == 1)
    years = referral_years(demo)
    assert np.all(demo.outcomes["housed_12m"][years == 2025] == -1)
    assert np.all(demo.outcomes["housed_12m"][years <= 2024] >= 0)


def test_statuses_agree_with_exits(demo):
    status, exits = demo.codes["status_at_extract"], demo.exit_month
    assert np.all(exits[status <= 1] == -1)
    assert np.all(exits[(status >= 2) & (demo.codes["intake_completed"] == 0)] >= 0)
    assert np.all(np.bincount(status, minlength=5) > 0)


def test_race_mix_differs_from_the_comparison(demo, tmp_path):
    path = tmp_path / "comparison.csv"
    path.write_text(generate_demo_comparison(), encoding="utf-8")
    comparison = read_comparison(path)
    assert comparison.source == COMPARISON_SOURCE
    assert sorted(comparison.counts) == list(range(2016, 2026))
    arrests = {
        race: sum(year[race] for year in comparison.counts.values()) for race in CATEGORIES["race_ethnicity"]
    }
    arrest_black = arrests["black_nh"] / sum(arrests.values())
    referral_black = share(demo.codes["race_ethnicity"] == 0)
    assert 0.40 <= referral_black <= 0.60 and 0.54 <= arrest_black <= 0.62
    assert arrest_black - referral_black >= 0.03


def test_an_earlier_extract_is_a_consistent_snapshot(demo, tmp_path):
    earlier = read_text(generate_demo_records(extract_as_of=datetime.date(2024, 6, 30)), tmp_path)
    assert earlier.extract_as_of == datetime.date(2024, 6, 30)
    assert len(earlier) == int(np.sum(demo.referral_month <= month_index("2024-06")))
    assert np.all(earlier.outcomes["housed_12m"][earlier.referral_month > month_index("2023-03")] == -1)


def test_write_demo_inputs(tmp_path):
    records_path, comparison_path = write_demo_inputs(tmp_path)
    assert records_path.parent == comparison_path.parent == tmp_path
    assert len(read_records(records_path)) > 500
    assert read_comparison(comparison_path).source == COMPARISON_SOURCE


def test_scale_multiplies_volume():
    rows = generate_demo_records(scale=3).count("\n") - 1
    assert 3 * 480 <= rows <= 3 * 620


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.02, 2.0))
def test_every_generated_file_passes_the_validator(seed, scale):
    text = generate_demo_records(seed, scale)
    with tempfile.TemporaryDirectory() as folder:
        records = read_text(text, Path(folder))
    assert len(records) == text.count("\n") - 1 >= 10
