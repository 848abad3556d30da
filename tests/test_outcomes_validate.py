"""Reading and checking the steward's export and the comparison file (OUTCOMES.md section 1)."""

import dataclasses
import datetime
import pickle

import numpy as np
import pytest

from portal.outcomes.schema import CATEGORIES, COLUMNS, OUTCOME_COLUMNS, month_index, month_text
from portal.outcomes.validate import Problem, ValidationError, read_comparison, read_records

FILE = "records.csv"
PERSON_A = "0123456789abcdef0123456789abcdef"
PERSON_B = "fedcba9876543210fedcba9876543210"
GAPS = "a person's episodes are numbered 1, 2, 3, … without gaps"


def make_row(**overrides: str) -> dict[str, str]:
    """Return a valid episode (an exited 2017 arrest diversion), with changes."""
    row = {
        "pseudo_id": PERSON_A,
        "episode_seq": "1",
        "referral_month": "2017-05",
        "referral_type": "arrest_diversion",
        "referring_agency": "APD",
        "offence_group": "drug_possession",
        "race_ethnicity": "black_nh",
        "gender": "man",
        "age_band": "25-34",
        "homeless_at_referral": "Y",
        "intake_completed": "Y",
        "intake_month": "2017-06",
        "status_at_extract": "exited_goals_met",
        "exit_month": "2018-09",
        **dict.fromkeys(OUTCOME_COLUMNS, "N"),
        "extract_as_of": "2026-03-31",
    }
    row.update(overrides)
    return row


def make_open_row(**overrides: str) -> dict[str, str]:
    """Return a valid recent, still active episode whose outcome windows are all open."""
    recent = {"referral_month": "2025-08", "intake_month": "2025-09", "status_at_extract": "active"}
    return make_row(**{**recent, "exit_month": "", **dict.fromkeys(OUTCOME_COLUMNS, "NA"), **overrides})


def write_rows(tmp_path, rows, header=COLUMNS, name=FILE):
    """Write rows (dicts or lists of fields) as CSV under tmp_path and return the path."""
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(row[c] for c in header) if isinstance(row, dict) else ",".join(row))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(path) -> list[Problem]:
    """Read a file that must fail and return its problems."""
    with pytest.raises(ValidationError) as caught:
        read_records(path)
    return caught.value.problems


def second_row_problems(tmp_path, second: dict[str, str]) -> list[Problem]:
    """Problems of a file whose line 2 is a valid row of another person and line 3 is `second`."""
    return problems_of(write_rows(tmp_path, [make_row(pseudo_id=PERSON_B), second]))


def test_months_convert_both_ways():
    assert month_index("2016-01") == 0
    assert month_index("2016-04") == 3
    assert month_text(month_index("2025-12")) == "2025-12"
    for bad in ("2016-13", "2016-4", "+016-04", "2016/04"):
        with pytest.raises(ValueError):
            month_index(bad)


def test_a_valid_file_round_trips_to_codes_and_months(tmp_path):
    rows = [
        make_row(),
        make_row(
            episode_seq="2",
            referral_month="2019-02",
            intake_month="2019-02",
            exit_month="2019-03",
            status_at_extract="exited_other",
            housed_6m="Y",
            housed_12m="Y",
        ),
        make_open_row(
            pseudo_id=PERSON_B,
            referral_type="social_contact",
            referring_agency="ACSO",
            offence_group="not_applicable",
            race_ethnicity="hispanic",
            gender="woman",
            age_band="55+",
            homeless_at_referral="U",
        ),
    ]
    records = read_records(write_rows(tmp_path, rows))
    assert len(records) == 3 and records.n_persons == 2
    assert records.person.tolist() == [records.person[0]] * 2 + [1 - records.person[0]]
    assert records.episode_seq.tolist() == [1, 2, 1]
    assert records.referral_month.tolist() == [month_index("2017-05"), month_index("2019-02"), 115]
    assert records.intake_month.tolist() == [month_index("2017-06"), month_index("2019-02"), 116]
    assert records.exit_month.tolist() == [month_index("2018-09"), month_index("2019-03"), -1]
    assert records.codes["referral_type"].tolist() == [0, 0, 1]
    assert records.codes["race_ethnicity"].tolist() == [0, 0, 2]
    assert records.codes["age_band"].tolist() == [1, 1, 4]
    assert records.codes["homeless_at_referral"].tolist() == [0, 0, 2]
    assert records.codes["status_at_extract"].tolist() == [2, 3, 0]
    assert records.outcomes["housed_6m"].tolist() == [0, 1, -1]
    assert records.outcomes["rearrest_12m"].tolist() == [0, 0, -1]
    assert records.extract_as_of == datetime.date(2026, 3, 31)
    assert set(records.codes) == set(CATEGORIES) and set(records.outcomes) == set(OUTCOME_COLUMNS)


def test_records_hold_only_numbers_never_a_pseudo_id(tmp_path):
    records = read_records(write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B)]))
    for field in dataclasses.fields(records):
        value = getattr(records, field.name)
        arrays = value.values() if isinstance(value, dict) else [value]
        for array in arrays:
            assert isinstance(array, np.ndarray | datetime.date), field.name
            assert not isinstance(array, np.ndarray) or array.dtype.kind in "iu", field.name
    stored = pickle.dumps(records)
    for pid in (PERSON_A, PERSON_B):
        assert pid.encode() not in stored and bytes.fromhex(pid) not in stored


def test_subset_renumbers_persons(tmp_path):
    records = read_records(write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B)]))
    second = records.subset(np.array([False, True]))
    assert len(second) == 1 and second.n_persons == 1 and second.person.tolist() == [0]


def test_upper_case_pseudo_ids_are_the_same_person(tmp_path):
    rows = [make_row(pseudo_id=PERSON_B), make_row(pseudo_id=PERSON_B.upper(), episode_seq="2")]
    assert read_records(write_rows(tmp_path, rows)).n_persons == 1


def test_pseudo_ids_differing_only_in_length_are_different_persons(tmp_path):
    short, longer = PERSON_A[:16], PERSON_A[:16] + "00"
    rows = [make_row(pseudo_id=short), make_row(pseudo_id=longer), make_row(pseudo_id=longer + "0")]
    assert read_records(write_rows(tmp_path, rows)).n_persons == 3


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"referral_month": "2016-13"}, "referral_month", "'2016-13' is not a month (YYYY-MM)"),
        ({"referral_month": "May 2017"}, "referral_month", "'May 2017' is not a month (YYYY-MM)"),
        ({"referral_month": ""}, "referral_month", "is blank; a month (YYYY-MM) is required"),
        (
            {"referral_month": "2016-03", "intake_month": "2016-04"},
            "referral_month",
            "'2016-03' is before the LEAD launch month (2016-04)",
        ),
        (
            {"referral_month": "2015-11", "intake_month": "2016-04"},
            "referral_month",
            "'2015-11' is before the LEAD launch month (2016-04)",
        ),
        ({"exit_month": "2026-04"}, "exit_month", "'2026-04' is after the month of extract_as_of (2026-03)"),
        ({"episode_seq": "0"}, "episode_seq", "'0' is not a whole number of 1 or more"),
        ({"episode_seq": "1.5"}, "episode_seq", "'1.5' is not a whole number of 1 or more"),
        ({"housed_6m": "yes"}, "housed_6m", "'yes' is not Y, N or NA"),
        (
            {"referral_type": "arrest"},
            "referral_type",
            "'arrest' is not one of: arrest_diversion, social_contact, community, other",
        ),
        ({"gender": "x" * 50}, "gender", f"'{'x' * 40}…' is not one of: man, woman, another_or_unknown"),
        (
            {"offence_group": "not_applicable"},
            "offence_group",
            "'not_applicable' but referral_type is arrest_diversion; give the offence group",
        ),
        (
            {"referral_type": "community"},
            "offence_group",
            "'drug_possession' but referral_type is not arrest_diversion, so it must be not_applicable",
        ),
        (
            {"intake_month": "", "exit_month": "", "status_at_extract": "active"},
            "intake_month",
            "is blank but intake_completed is Y",
        ),
        (
            {"intake_completed": "N", "exit_month": "", "status_at_extract": "closed_other"},
            "intake_month",
            "'2017-06' is given but intake_completed is N; leave it blank",
        ),
        ({"intake_month": "2017-04"}, "intake_month", "'2017-04' is before referral_month"),
        (
            {"intake_completed": "N", "intake_month": "", "status_at_extract": "closed_other"},
            "exit_month",
            "'2018-09' is given but intake_month is blank (no exit without an intake)",
        ),
        ({"exit_month": "2017-05"}, "exit_month", "'2017-05' is before intake_month"),
        (
            {"status_at_extract": "inactive"},
            "exit_month",
            "'2018-09' is given but status_at_extract is active or inactive, which have no exit",
        ),
        (
            {"exit_month": ""},
            "exit_month",
            "is blank but status_at_extract says this episode ended after its intake; give the exit month",
        ),
        (
            {"treatment_12m": "NA"},
            "treatment_12m",
            "'NA' but the 12-month window and 3-month data lag closed by the extract month (2026-03); "
            "must be Y or N",
        ),
        (
            {"benefits_6m": "Y"},
            "benefits_12m",
            "'N' but benefits_6m is Y; a 6-month Y implies the 12-month Y",
        ),
        (
            {"extract_as_of": "2026-03-30"},
            "extract_as_of",
            "'2026-03-30' differs from extract_as_of on line 2; it must be the same on every row",
        ),
    ],
)
def test_each_rule_names_line_column_and_value(tmp_path, changes, column, message):
    assert second_row_problems(tmp_path, make_row(**changes)) == [Problem(FILE, 3, column, message)]


@pytest.mark.parametrize("column", list(CATEGORIES))
def test_every_category_column_rejects_unlisted_values(tmp_path, column):
    allowed = ", ".join(CATEGORIES[column])
    expected = [Problem(FILE, 3, column, f"'bogus' is not one of: {allowed}")]
    assert second_row_problems(tmp_path, make_row(**{column: "bogus"})) == expected


@pytest.mark.parametrize("pid", ["0123456789abcde", "0" * 65, "0123456789abcdeg", ""])
def test_pseudo_id_must_be_16_to_64_hex_and_is_never_echoed(tmp_path, pid):
    with pytest.raises(ValidationError) as caught:
        read_records(write_rows(tmp_path, [make_row(pseudo_id=PERSON_B), make_row(pseudo_id=pid)]))
    assert caught.value.problems == [Problem(FILE, 3, "pseudo_id", "pseudo_id is not 16–64 hex characters")]
    if pid:
        assert pid not in str(caught.value)


def test_outcome_windows_close_three_months_after_the_window(tmp_path):
    # Referred 2025-06: the 6-month window and lag close in 2026-03, the extract month.
    closed = make_open_row(referral_month="2025-06", intake_month="2025-06", housed_6m="N")
    assert second_row_problems(tmp_path, closed) == [
        Problem(
            FILE,
            3,
            column,
            "'NA' but the 6-month window and 3-month data lag closed by the extract "
            "month (2026-03); must be Y or N",
        )
        for column in OUTCOME_COLUMNS[::2]
        if column != "housed_6m"
    ]
    early = make_open_row(referral_month="2025-07", intake_month="2025-07", rearrest_6m="Y")
    assert second_row_problems(tmp_path, early) == [
        Problem(
            FILE,
            3,
            "rearrest_6m",
            "'Y' but the 6-month window and 3-month data lag close only in "
            "2026-04, after the extract month (2026-03); must be NA",
        )
    ]


def test_outcomes_exactly_at_the_boundary_pass(tmp_path):
    six = dict.fromkeys(OUTCOME_COLUMNS[::2], "N")
    rows = [
        make_open_row(referral_month="2025-06", intake_month="2025-06", **six),
        make_open_row(
            pseudo_id=PERSON_B,
            referral_month="2024-12",
            intake_month="2024-12",
            **dict.fromkeys(OUTCOME_COLUMNS, "Y"),
        ),
    ]
    assert len(read_records(write_rows(tmp_path, rows))) == 2


def test_extract_as_of_must_be_a_date(tmp_path):
    rows = [make_row(extract_as_of="2026-02-30"), make_row(pseudo_id=PERSON_B, extract_as_of="2026-02-30")]
    assert problems_of(write_rows(tmp_path, rows)) == [
        Problem(FILE, 2, "extract_as_of", "'2026-02-30' is not a date (YYYY-MM-DD)")
    ]


def test_race_must_be_the_same_for_every_episode_of_a_person(tmp_path):
    rows = [make_row(), make_row(episode_seq="2", race_ethnicity="white_nh")]
    assert problems_of(write_rows(tmp_path, rows)) == [
        Problem(
            FILE,
            3,
            "race_ethnicity",
            "'white_nh' differs from this person's race_ethnicity on line 2; "
            "it must be the same on every episode",
        )
    ]


def test_duplicate_pseudo_id_and_episode_seq(tmp_path):
    assert problems_of(write_rows(tmp_path, [make_row(), make_row()])) == [
        Problem(FILE, 3, "episode_seq", "1 repeats the pseudo_id and episode_seq of line 2")
    ]


def test_episode_numbers_start_at_one_without_gaps(tmp_path):
    rows = [make_row(), make_row(episode_seq="3"), make_row(pseudo_id=PERSON_B, episode_seq="2")]
    assert problems_of(write_rows(tmp_path, rows)) == [
        Problem(FILE, 3, "episode_seq", f"3 but this person's previous episode_seq is 1; {GAPS}"),
        Problem(FILE, 4, "episode_seq", f"2 but this person has no episode 1; {GAPS}"),
    ]


def write_comparison(tmp_path, rows, header=("year", "race_ethnicity", "arrests", "source")):
    path = tmp_path / "comparison.csv"
    path.write_text("\n".join([",".join(header), *(",".join(row) for row in rows)]) + "\n", encoding="utf-8")
    return path


def comparison_rows(year="2019", source="APD 2019"):
    return [[year, race, str(100 + i), source] for i, race in enumerate(CATEGORIES["race_ethnicity"])]


def test_comparison_round_trips(tmp_path):
    comparison = read_comparison(write_comparison(tmp_path, comparison_rows() + comparison_rows("2020")))
    assert comparison.source == "APD 2019"
    assert comparison.counts[2019] == {
        "black_nh": 100,
        "white_nh": 101,
        "hispanic": 102,
        "other_multi_nh": 103,
        "unknown": 104,
    }
    assert set(comparison.counts) == {2019, 2020}


def test_comparison_problems(tmp_path):
    rows = comparison_rows()[:4] + [["19", "black_nh", "-1", "APD 2019"], ["2019", "white_nh", "5", "other"]]
    with pytest.raises(ValidationError) as caught:
        read_comparison(write_comparison(tmp_path, rows))
    name = "comparison.csv"
    assert caught.value.problems == [
        Problem(name, None, "source", "names 2 different sources; use one on every row"),
        Problem(name, None, "race_ethnicity", "year 2019 has no row for 'unknown'"),
        Problem(name, 6, "year", "'19' is not a year from 2016 (YYYY)"),
        Problem(name, 6, "arrests", "'-1' is not a whole number of 0 or more"),
        Problem(name, 7, "race_ethnicity", "a second row for 2019 and 'white_nh'"),
    ]


def test_comparison_header_is_checked(tmp_path):
    with pytest.raises(ValidationError) as caught:
        read_comparison(
            write_comparison(tmp_path, comparison_rows(), header=("year", "race", "arrests", "source"))
        )
    assert [p.message for p in caught.value.problems] == [
        "unknown column 'race'",
        "missing column 'race_ethnicity'",
    ]
