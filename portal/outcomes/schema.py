"""The fixed vocabulary of the steward's export and the in-memory `Records` it becomes.

Months are held as `month_index` integers (months since 2016-01) so that month arithmetic
is plain integer arithmetic in numpy.

Follow-up windows: an outcome "at w months" (w = 6 or 12) is known only once the window and
the steward's 3-month data lag have passed. We count whole calendar months: the window of
an episode referred in month r is **closed** when

    r + w + 3 <= month of extract_as_of

(e.g. referred 2025-06, 6-month window: 2025-06 + 9 = 2026-03, so closed by an extract
dated any day in 2026-03). While it is not closed the outcome must be NA; once closed it
must be Y or N. `window_closed` is the one definition used by validation and aggregation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

LAUNCH_MONTH = "2016-04"
FOLLOW_UP_WINDOWS = (6, 12)
FOLLOW_UP_LAG_MONTHS = 3

CATEGORIES: dict[str, tuple[str, ...]] = {
    "referral_type": ("arrest_diversion", "social_contact", "community", "other"),
    "referring_agency": ("APD", "ACSO", "other_municipal", "other"),
    "offence_group": (
        "drug_possession",
        "sex_work",
        "theft_property",
        "trespass_disorder",
        "other_low_level",
        "not_applicable",
    ),
    "race_ethnicity": ("black_nh", "white_nh", "hispanic", "other_multi_nh", "unknown"),
    "gender": ("man", "woman", "another_or_unknown"),
    "age_band": ("18-24", "25-34", "35-44", "45-54", "55+"),
    "homeless_at_referral": ("Y", "N", "U"),
    "intake_completed": ("Y", "N"),
    "status_at_extract": ("active", "inactive", "exited_goals_met", "exited_other", "closed_other"),
}
MONTH_COLUMNS = ("referral_month", "intake_month", "exit_month")
OUTCOME_COLUMNS = (
    "housed_6m",
    "housed_12m",
    "treatment_6m",
    "treatment_12m",
    "id_obtained_6m",
    "id_obtained_12m",
    "benefits_6m",
    "benefits_12m",
    "rearrest_6m",
    "rearrest_12m",
)
OUTCOME_VALUES = {"Y": 1, "N": 0, "NA": -1}
COLUMNS = (
    "pseudo_id",
    "episode_seq",
    "referral_month",
    "referral_type",
    "referring_agency",
    "offence_group",
    "race_ethnicity",
    "gender",
    "age_band",
    "homeless_at_referral",
    "intake_completed",
    "intake_month",
    "status_at_extract",
    "exit_month",
    *OUTCOME_COLUMNS,
    "extract_as_of",
)
# The milestone names, each with its 6- and 12-month columns: housed -> (housed_6m, housed_12m).
OUTCOME_PAIRS = tuple((OUTCOME_COLUMNS[i], OUTCOME_COLUMNS[i + 1]) for i in range(0, 10, 2))


def month_index(text: str) -> int:
    """Return the months since 2016-01 of a 'YYYY-MM' text (2016-04 -> 3)."""
    digits = text[:4] + text[5:]
    if len(text) != 7 or text[4] != "-" or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a month (YYYY-MM): {text[:40]!r}")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return (year - 2016) * 12 + month - 1


def month_text(index: int) -> str:
    """Return the 'YYYY-MM' text of a month index (3 -> '2016-04')."""
    year, month = divmod(int(index), 12)
    return f"{year + 2016:04d}-{month + 1:02d}"


def date_month_index(day: datetime.date) -> int:
    """Return the month index of the month a date falls in."""
    return (day.year - 2016) * 12 + day.month - 1


def window_closed(referral_month: np.ndarray, window: int, extract_month: int) -> np.ndarray:
    """Say, per episode, whether the follow-up window plus the data lag has closed."""
    return referral_month + (window + FOLLOW_UP_LAG_MONTHS) <= extract_month


LAUNCH_INDEX = month_index(LAUNCH_MONTH)


@dataclass(frozen=True)
class Records:
    """Validated referral episodes held column by column in memory; never written anywhere."""

    person: np.ndarray  # int32, pseudo_id factorised to 0..n_persons-1 (the hex ids are dropped)
    episode_seq: np.ndarray  # int32
    referral_month: np.ndarray  # int16 month_index
    intake_month: np.ndarray  # int16, -1 when blank
    exit_month: np.ndarray  # int16, -1 when blank
    codes: dict[str, np.ndarray]  # int8 index into CATEGORIES[column], one per CATEGORIES key
    outcomes: dict[str, np.ndarray]  # int8 per OUTCOME_COLUMNS: 1 = Y, 0 = N, -1 = NA
    extract_as_of: datetime.date

    def __len__(self) -> int:
        """Return the number of referral episodes."""
        return len(self.referral_month)

    @property
    def n_persons(self) -> int:
        """Return the number of distinct persons."""
        return int(self.person.max()) + 1 if len(self.person) else 0

    @property
    def extract_month(self) -> int:
        """Return the month index of extract_as_of."""
        return date_month_index(self.extract_as_of)

    def subset(self, mask: np.ndarray) -> Records:
        """Return the episodes selected by a boolean mask, persons renumbered from 0."""
        # Renumbering keeps `person` dense, so n_persons stays a count of the subset.
        _, person = np.unique(self.person[mask], return_inverse=True)
        return Records(
            person=person.astype(np.int32).reshape(-1),
            episode_seq=self.episode_seq[mask],
            referral_month=self.referral_month[mask],
            intake_month=self.intake_month[mask],
            exit_month=self.exit_month[mask],
            codes={name: values[mask] for name, values in self.codes.items()},
            outcomes={name: values[mask] for name, values in self.outcomes.items()},
            extract_as_of=self.extract_as_of,
        )


@dataclass(frozen=True)
class Comparison:
    """Comparison population for the disparity table: eligible low-level arrests by race band per year."""

    counts: dict[int, dict[str, int]]  # year -> race_ethnicity value -> count
    source: str  # the source named in the file
