"""The rules that tie columns and rows of the steward's export together, checked on whole columns.

`validate.read_records` converts each column to numbers first; values it has already reported
are INVALID here and skipped, so one bad value gives one problem, not a cascade.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol

import numpy as np

from portal.outcomes.schema import (
    CATEGORIES,
    FOLLOW_UP_LAG_MONTHS,
    LAUNCH_INDEX,
    LAUNCH_MONTH,
    MONTH_COLUMNS,
    OUTCOME_PAIRS,
    date_month_index,
    month_text,
    window_closed,
)

BLANK = -1  # a blank optional month
INVALID = -2  # a value already reported as a problem
_CODE = {name: {value: i for i, value in enumerate(values)} for name, values in CATEGORIES.items()}
_OUTCOME_TEXT = {1: "Y", 0: "N", -1: "NA"}
_GAPS = "a person's episodes are numbered 1, 2, 3, … without gaps"


class Problems(Protocol):
    """Where the rules report what they find (`validate_csv.Problems`)."""

    def add_rows(
        self, lines: np.ndarray, where: np.ndarray, column: str, message: Callable[[int], str]
    ) -> None: ...


def check_rules(data: dict[str, np.ndarray], extract: datetime.date | None, problems: Problems) -> None:
    """Check every rule spanning columns or rows; out-of-range months become INVALID."""
    _month_range(data, extract, problems)
    _offence(data, problems)
    _intake_and_exit(data, problems)
    _status(data, problems)
    if extract is not None:
        _outcome_windows(data, date_month_index(extract), problems)
    _six_implies_twelve(data, problems)
    _same_race(data, problems)
    _episodes(data, problems)


def _month_range(data: dict[str, np.ndarray], extract: datetime.date | None, problems: Problems) -> None:
    """Report months before the launch or after the extract month, then mark them INVALID."""
    last = date_month_index(extract) if extract is not None else 10**6
    for name in MONTH_COLUMNS:
        months = data[name]
        early = (months >= 0) & (months < LAUNCH_INDEX)
        late = months > last
        problems.add_rows(
            data["lines"],
            early,
            name,
            lambda row, months=months: (
                f"'{month_text(months[row])}' is before the LEAD launch month ({LAUNCH_MONTH})"
            ),
        )
        problems.add_rows(
            data["lines"],
            late,
            name,
            lambda row, months=months: (
                f"'{month_text(months[row])}' is after the month of extract_as_of ({month_text(last)})"
            ),
        )
        months[early | late] = INVALID


def _offence(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check offence_group is not_applicable exactly when the referral is not an arrest diversion."""
    kind, offence = data["referral_type"], data["offence_group"]
    known = (kind >= 0) & (offence >= 0)
    diversion = kind == _CODE["referral_type"]["arrest_diversion"]
    not_applicable = offence == _CODE["offence_group"]["not_applicable"]
    problems.add_rows(
        data["lines"],
        known & diversion & not_applicable,
        "offence_group",
        lambda row: "'not_applicable' but referral_type is arrest_diversion; give the offence group",
    )
    problems.add_rows(
        data["lines"],
        known & ~diversion & ~not_applicable,
        "offence_group",
        lambda row: (
            f"'{CATEGORIES['offence_group'][offence[row]]}' but referral_type is not "
            "arrest_diversion, so it must be not_applicable"
        ),
    )


def _intake_and_exit(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check intake_month against intake_completed and referral_month, and exit_month against intake."""
    lines, done = data["lines"], data["intake_completed"]
    referral, intake, exit_ = data["referral_month"], data["intake_month"], data["exit_month"]
    yes, no = _CODE["intake_completed"]["Y"], _CODE["intake_completed"]["N"]
    problems.add_rows(
        lines,
        (done == yes) & (intake == BLANK),
        "intake_month",
        lambda row: "is blank but intake_completed is Y",
    )
    problems.add_rows(
        lines,
        (done == no) & (intake >= 0),
        "intake_month",
        lambda row: f"'{month_text(intake[row])}' is given but intake_completed is N; leave it blank",
    )
    problems.add_rows(
        lines,
        (referral >= 0) & (intake >= 0) & (intake < referral),
        "intake_month",
        lambda row: f"'{month_text(intake[row])}' is before referral_month",
    )
    problems.add_rows(
        lines,
        (exit_ >= 0) & (intake == BLANK),
        "exit_month",
        lambda row: (
            f"'{month_text(exit_[row])}' is given but intake_month is blank (no exit without an intake)"
        ),
    )
    problems.add_rows(
        lines,
        (exit_ >= 0) & (intake >= 0) & (exit_ < intake),
        "exit_month",
        lambda row: f"'{month_text(exit_[row])}' is before intake_month",
    )


def _status(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check status_at_extract agrees with exit_month, so the caseload and exits add up."""
    status, exit_ = data["status_at_extract"], data["exit_month"]
    on_caseload = (status >= 0) & (status <= _CODE["status_at_extract"]["inactive"])
    ended = status > _CODE["status_at_extract"]["inactive"]
    after_intake = data["intake_completed"] == _CODE["intake_completed"]["Y"]
    problems.add_rows(
        data["lines"],
        on_caseload & (exit_ >= 0),
        "exit_month",
        lambda row: (
            f"'{month_text(exit_[row])}' is given but status_at_extract is active or inactive, "
            "which have no exit"
        ),
    )
    problems.add_rows(
        data["lines"],
        ended & after_intake & (exit_ == BLANK),
        "exit_month",
        lambda row: (
            "is blank but status_at_extract says this episode ended after its intake; give the exit month"
        ),
    )


def _outcome_windows(data: dict[str, np.ndarray], extract: int, problems: Problems) -> None:
    """Check each outcome is NA exactly while its window plus the data lag is open."""
    referral = data["referral_month"]
    for pair in OUTCOME_PAIRS:
        for name, window in zip(pair, (6, 12), strict=True):
            values = data[name]
            known = (referral >= 0) & (values != INVALID)
            closed = window_closed(referral, window, extract)
            problems.add_rows(
                data["lines"],
                known & closed & (values == -1),
                name,
                lambda row, window=window: (
                    f"'NA' but the {window}-month window and "
                    f"{FOLLOW_UP_LAG_MONTHS}-month data lag closed by the extract month "
                    f"({month_text(extract)}); must be Y or N"
                ),
            )
            problems.add_rows(
                data["lines"],
                known & ~closed & (values >= 0),
                name,
                lambda row, window=window, values=values: (
                    f"'{_OUTCOME_TEXT[int(values[row])]}' but "
                    f"the {window}-month window and {FOLLOW_UP_LAG_MONTHS}-month data lag close only in "
                    f"{month_text(referral[row] + window + FOLLOW_UP_LAG_MONTHS)}, after the extract "
                    f"month ({month_text(extract)}); must be NA"
                ),
            )


def _six_implies_twelve(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check a 6-month Y comes with a 12-month Y (unless the 12-month value is NA)."""
    for six, twelve in OUTCOME_PAIRS:
        problems.add_rows(
            data["lines"],
            (data[six] == 1) & (data[twelve] == 0),
            twelve,
            lambda row, six=six: f"'N' but {six} is Y; a 6-month Y implies the 12-month Y",
        )


def _same_race(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check race_ethnicity is the same on every episode of a person as on their first."""
    person, race, lines = data["person"], data["race_ethnicity"], data["lines"]
    rows = np.flatnonzero((person >= 0) & (race >= 0))
    _, first, inverse = np.unique(person[rows], return_index=True, return_inverse=True)
    reference = np.full(len(person), -1)
    reference[rows] = rows[first][inverse.reshape(-1)]
    differs = np.zeros(len(person), dtype=bool)
    differs[rows] = race[rows] != race[reference[rows]]
    problems.add_rows(
        lines,
        differs,
        "race_ethnicity",
        lambda row: (
            f"'{CATEGORIES['race_ethnicity'][race[row]]}' differs from this person's "
            f"race_ethnicity on line {lines[reference[row]]}; it must be the same on every episode"
        ),
    )


def _episodes(data: dict[str, np.ndarray], problems: Problems) -> None:
    """Check no (pseudo_id, episode_seq) pair repeats and each person's episodes run 1, 2, 3, ..."""
    person, seq, lines = data["person"], data["episode_seq"], data["lines"]
    rows = np.flatnonzero((person >= 0) & (seq >= 1))
    if not len(rows):
        return
    order = rows[np.lexsort((rows, seq[rows], person[rows]))]  # by person, then seq, then line
    p, s = person[order], seq[order]
    starts = np.r_[True, (p[1:] != p[:-1]) | (s[1:] != s[:-1])]
    run_start = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    repeated = np.zeros(len(person), dtype=bool)
    repeated[order[~starts]] = True
    first_of = np.zeros(len(person), dtype=int)
    first_of[order] = run_start
    problems.add_rows(
        lines,
        repeated,
        "episode_seq",
        lambda row: f"{seq[row]} repeats the pseudo_id and episode_seq of line {lines[first_of[row]]}",
    )
    unique, p, s = order[starts], p[starts], s[starts]
    new_person = np.r_[True, p[1:] != p[:-1]]
    previous = np.r_[0, s[:-1]]
    no_first = np.zeros(len(person), dtype=bool)
    no_first[unique[new_person & (s != 1)]] = True
    gap = np.zeros(len(person), dtype=bool)
    gap[unique[~new_person & (s != previous + 1)]] = True
    before = np.zeros(len(person), dtype=int)
    before[unique] = previous
    problems.add_rows(
        lines, no_first, "episode_seq", lambda row: f"{seq[row]} but this person has no episode 1; {_GAPS}"
    )
    problems.add_rows(
        lines,
        gap,
        "episode_seq",
        lambda row: f"{seq[row]} but this person's previous episode_seq is {before[row]}; {_GAPS}",
    )
