"""Corrections: a year figure that later records change is listed once, only if the audit passes with it."""

import csv
import io

from portal.outcomes.release import publish
from portal.outcomes.release_files import load_release
from portal.outcomes.rules import is_small
from tests.conftest import make_app, sqlite_url
from tests.test_outcomes_dashboard import content_copy
from tests.test_outcomes_release import assert_files_are_clean, assert_release_is_safe
from tests.test_outcomes_tables import make_records

BASE = [{"referral": f"2019-{m:02d}"} for m in range(1, 13) for _ in range(4)]


def two_releases(folder, late: int):
    """Publish 2019Q4, then 2020Q1 with `late` more 2019 referrals that arrived after it."""
    first = make_records(BASE, extract="2020-02-15")
    second = make_records(BASE + [{"referral": "2019-05"}] * late, extract="2020-05-15")
    one = load_release(publish(first, None, "2019Q4", folder, synthetic=False))
    two = load_release(publish(second, None, "2020Q1", folder, synthetic=False))
    return one, two, second


def listed(release) -> dict:
    """Return {(table, year label, column): (published, corrected)} from a release's corrections table."""
    return {
        (r["table"], r["label"], r["column"]): (r["published"], r["corrected"])
        for r in release.corrections["rows"]
    }


def test_a_large_late_batch_is_listed_as_corrections(tmp_path):
    one, two, records = two_releases(tmp_path, late=12)
    corrections = listed(two)
    assert corrections[("T1", "2019", "total")] == (48, 60)
    assert corrections[("T2", "2019", "total")] == (48, 60)
    assert all(not is_small(new) and not is_small(abs(new - old)) for old, new in corrections.values())
    # The tables themselves repeat what was first published.
    year = next(r for r in two.tables["T1"]["rows"] if r["key"] == "2019")
    assert year["cells"]["total"]["value"] == 48 and year["repeated_from_earlier_release"]
    assert two.metadata["corrections"]["count"] == len(corrections)
    assert one.corrections["rows"] == []  # a first release has nothing to correct
    assert_release_is_safe(tmp_path / "2020Q1", records)
    assert_files_are_clean(tmp_path / "2020Q1")
    lines = list(csv.DictReader(io.StringIO((tmp_path / "2020Q1" / "corrections.csv").read_text())))
    assert {
        (r["table"], r["label"], r["column"]): (int(r["published"]), int(r["corrected"])) for r in lines
    } == (corrections)


def test_a_correction_of_one_person_is_never_listed(tmp_path):
    _one, two, records = two_releases(tmp_path, late=1)
    assert ("T1", "2019", "total") not in listed(two)
    assert all(not is_small(abs(new - old)) for old, new in listed(two).values())
    assert_release_is_safe(tmp_path / "2020Q1", records)
    # Neither the audit report nor the hidden-cell count says that something was held back.
    assert not any("corrected" in q["id"] for q in two.audit["quantities"])


def test_a_third_release_is_audited_with_the_corrections_before_it(tmp_path):
    _one, two, records = two_releases(tmp_path, late=12)
    third = make_records(BASE + [{"referral": "2019-05"}] * 13, extract="2020-08-15")
    folder = publish(third, None, "2020Q2", tmp_path, synthetic=False)
    # 60 was listed as corrected; one more late record must not be given away as 61.
    assert listed(load_release(folder)).get(("T1", "2019", "total"), (None, 0))[1] != 61
    assert_release_is_safe(folder, third)


def test_the_release_history_shows_each_correction_and_its_files(tmp_path):
    content = content_copy(tmp_path, with_release=False)
    _one, two, _records = two_releases(content / "outcomes" / "releases", late=12)
    client = make_app(sqlite_url(tmp_path), CONTENT_DIR=content).test_client()
    page = client.get("/outcomes/releases").get_data(as_text=True)
    count = len(two.corrections["rows"])
    assert f"It corrects {count} figures published earlier." in page and "No corrections." in page  # 2019Q4
    assert "Corrections in release 2020Q1" in page
    assert '<td class="num">48</td><td class="num">60</td>' in page
    download = client.get("/outcomes/releases/2020Q1/corrections.csv")
    assert download.status_code == 200 and b"T1,2019-corrected,2019" in download.data
    api = client.get("/outcomes/api/").get_json()["releases"][-1]
    assert client.get(api["corrections"]).get_json()["rows"] == two.corrections["rows"]


def test_late_cohort_records_correct_the_outcome_tables_by_the_rate_rules(tmp_path):
    # Housing achieved at 12 months for half of each cohort; 14 late 2018 records arrive later.
    base = [
        {"referral": f"{year}-{m:02d}", "outcomes": {"housed": (0, i % 2)}}
        for year in (2017, 2018)
        for m in range(1, 13)
        for i in range(6)
    ]
    late = [{"referral": "2018-05", "outcomes": {"housed": (0, 1)}} for _ in range(14)]
    first = make_records(base, extract="2020-05-15")
    second = make_records(base + late, extract="2020-08-15")
    publish(first, None, "2020Q1", tmp_path, synthetic=False)
    two = load_release(publish(second, None, "2020Q2", tmp_path, synthetic=False))
    corrections = listed(two)
    assert corrections[("T6", "2018, at 12 months", "followed_up")] == (72, 86)
    assert corrections[("T6", "2018, at 12 months", "housing")] == (36, 50)
    assert corrections[("T7", "2018, at 12 months", "followed_up")] == (72, 86)
    assert not any(column.endswith("_percent") for _table, _row, column in corrections)  # counts only
    assert_release_is_safe(tmp_path / "2020Q2", second)
