"""Seeded SYNTHETIC demo inputs for the outcome releases (OUTCOMES.md section 8).

Nothing here is program data. The records imitate the shape the specification describes:
referrals from the launch (2016-04) to 2025-12, about 35-50 episodes a year to 2021, about 60
in 2022 and about 80 a year from 2023; arrest diversion only before 2023, then about 70% arrest
diversion, 25% social contact and 5% community or other; about 10% repeat referrals; about 80%
complete intake; a mean stay of 16 months; 12-month milestones near housing 35%, treatment 45%,
ID 50%, benefits 60% and re-arrest 40%; and a race mix unlike the comparison population's.

The whole history is drawn first and then cut at `extract_as_of`, so the same seed with two
extract dates gives two consistent snapshots of one program (for release-over-release tests).
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import numpy as np

from portal.outcomes.schema import (
    CATEGORIES,
    COLUMNS,
    LAUNCH_INDEX,
    MONTH_COLUMNS,
    OUTCOME_PAIRS,
    date_month_index,
    month_index,
    month_text,
    window_closed,
)

DEMO_EXTRACT = datetime.date(2026, 3, 31)
YEARS = range(2016, 2026)
COMPARISON_SOURCE = "SYNTHETIC demo comparison population — not real arrest data"
RECORDS_FILE = "synthetic_demo_records.csv"
COMPARISON_FILE = "synthetic_demo_comparison.csv"

# Whole-year episode counts are drawn from these ranges (2016 has them in April-December).
_YEARLY_RANGE = {2022: (55, 66), **dict.fromkeys(range(2023, 2026), (75, 86))}
_EARLY_RANGE = (36, 49)
_REFERRAL_RACE = (0.50, 0.38, 0.07, 0.03, 0.02)  # black, white, hispanic, other/multi, unknown
_COMPARISON_RACE = (0.58, 0.32, 0.06, 0.03, 0.01)
_TYPE_FROM_2023 = (0.70, 0.25, 0.03, 0.02)  # arrest diversion, social contact, community, other
_AGENCY = {  # by referral type
    0: (0.85, 0.09, 0.04, 0.02),
    1: (0.80, 0.10, 0.06, 0.04),
    2: (0.05, 0.05, 0.05, 0.85),
    3: (0.10, 0.05, 0.05, 0.80),
}
_OFFENCE = (0.45, 0.10, 0.20, 0.15, 0.10)  # arrest diversions only
_GENDER = (0.70, 0.27, 0.03)
_AGE = (0.15, 0.30, 0.25, 0.20, 0.10)
_HOMELESS = (0.45, 0.45, 0.10)
_REPEAT = 0.11  # of episodes with an earlier episode to repeat: about 10% of all
_INTAKE = 0.80
_INTAKE_DELAY = (0.50, 0.35, 0.15)  # 0, 1 or 2 months after referral
_MEAN_STAY = 16.0
_ENDED = (0.40, 0.45, 0.15)  # exited_goals_met, exited_other, closed_other
_INACTIVE = 0.15  # of those still on the caseload
_MILESTONE_12M = {"housed": 0.35, "treatment": 0.45, "id_obtained": 0.50, "benefits": 0.60, "rearrest": 0.40}
_REACHED_BY_6M = 0.60  # of the 12-month Ys, the share already reached at 6 months


def generate_demo_records(
    seed: int = 2016, scale: float = 1.0, extract_as_of: datetime.date = DEMO_EXTRACT
) -> str:
    """Return the synthetic steward export as CSV text; `scale` multiplies the volume."""
    rng = np.random.default_rng(seed)
    history = _history(rng, scale)
    return _records_csv(_as_of(history, date_month_index(extract_as_of)), extract_as_of)


def generate_demo_comparison(seed: int = 2016) -> str:
    """Return the synthetic comparison population (arrests by race per year) as CSV text."""
    rng = np.random.default_rng([seed, 1])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("year", "race_ethnicity", "arrests", "source"))
    for year in YEARS:
        counts = rng.multinomial(int(rng.integers(1500, 2300)), _COMPARISON_RACE)
        for race, count in zip(CATEGORIES["race_ethnicity"], counts, strict=True):
            writer.writerow((year, race, int(count), COMPARISON_SOURCE))
    return out.getvalue()


def write_demo_inputs(folder: str | Path, seed: int = 2016) -> tuple[Path, Path]:
    """Write both synthetic demo files into `folder` (a temporary one, not the repo)."""
    folder = Path(folder)
    records, comparison = folder / RECORDS_FILE, folder / COMPARISON_FILE
    records.write_text(generate_demo_records(seed), encoding="utf-8")
    comparison.write_text(generate_demo_comparison(seed), encoding="utf-8")
    return records, comparison


def _yearly_counts(rng: np.random.Generator, scale: float) -> dict[int, int]:
    """Draw the number of referral episodes in each year (at least one)."""
    counts = {}
    for year in YEARS:
        low, high = _YEARLY_RANGE.get(year, _EARLY_RANGE)
        counts[year] = max(1, round(int(rng.integers(low, high)) * scale))
    return counts


def _referral_months(rng: np.random.Generator, scale: float) -> np.ndarray:
    """Draw each episode's referral month, in order."""
    parts = []
    for year, count in _yearly_counts(rng, scale).items():
        first = max(month_index(f"{year}-01"), LAUNCH_INDEX)
        parts.append(rng.integers(first, month_index(f"{year}-12") + 1, size=count))
    return np.sort(np.concatenate(parts)).astype(np.int16)


def _persons(rng: np.random.Generator, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make about 10% of episodes repeat referrals of earlier people; return person and episode_seq."""
    n = len(months)
    earlier = np.searchsorted(months, months - 3, side="right")  # episodes at least 3 months before
    repeat = (rng.random(n) < _REPEAT) & (earlier > 0)
    parent = np.arange(n)
    parent[repeat] = (rng.random(n)[repeat] * earlier[repeat]).astype(np.int64)
    while not np.array_equal(parent, parent[parent]):  # follow chains of repeats to the first episode
        parent = parent[parent]
    _, person = np.unique(parent, return_inverse=True)
    person = person.reshape(-1)
    order = np.lexsort((np.arange(n), person))
    starts = np.r_[True, person[order][1:] != person[order][:-1]]
    first_position = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    seq = np.empty(n, dtype=np.int32)
    seq[order] = np.arange(n) - first_position + 1
    return person.astype(np.int32), seq


def _choose(rng: np.random.Generator, p: tuple[float, ...], size: int) -> np.ndarray:
    return rng.choice(len(p), size=size, p=p).astype(np.int8)


def _history(rng: np.random.Generator, scale: float) -> dict[str, np.ndarray]:
    """Draw the full synthetic history, before it is cut at an extract date."""
    referral = _referral_months(rng, scale)
    person, seq = _persons(rng, referral)
    n, n_persons = len(referral), int(person.max()) + 1
    kind = np.where(referral >= month_index("2023-01"), _choose(rng, _TYPE_FROM_2023, n), 0).astype(np.int8)
    agency = np.zeros(n, dtype=np.int8)
    for code, p in _AGENCY.items():
        agency[kind == code] = _choose(rng, p, int(np.sum(kind == code)))
    offence = np.where(kind == 0, _choose(rng, _OFFENCE, n), 5).astype(np.int8)
    history = {
        "person": person,
        "episode_seq": seq,
        "referral_month": referral,
        "referral_type": kind,
        "referring_agency": agency,
        "offence_group": offence,
        # Race, gender and age band belong to the person, so repeat episodes share them.
        "race_ethnicity": _choose(rng, _REFERRAL_RACE, n_persons)[person],
        "gender": _choose(rng, _GENDER, n_persons)[person],
        "age_band": _choose(rng, _AGE, n_persons)[person],
        "homeless_at_referral": _choose(rng, _HOMELESS, n),
        "intake_drawn": rng.random(n) < _INTAKE,
        "intake_month": referral + _choose(rng, _INTAKE_DELAY, n),
        "stay": np.rint(rng.exponential(_MEAN_STAY, n)).astype(np.int16),
        "ended_as": _choose(rng, _ENDED, n) + 2,
        "inactive": rng.random(n) < _INACTIVE,
        "ids": _pseudo_ids(rng, n_persons),
    }
    for name, p in _MILESTONE_12M.items():
        reached = rng.random(n) < p
        history[f"{name}_12m"] = reached
        history[f"{name}_6m"] = reached & (rng.random(n) < _REACHED_BY_6M)
    return history


def _pseudo_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    """Draw distinct 32-hex-character pseudo_ids."""
    while True:
        text = rng.bytes(16 * count).hex()
        ids = np.array([text[i : i + 32] for i in range(0, 32 * count, 32)], dtype=object)
        if len(set(ids)) == count:
            return ids


def _as_of(history: dict[str, np.ndarray], extract: int) -> dict[str, np.ndarray]:
    """Cut the history at an extract month: later referrals, intakes, exits and outcomes unseen."""
    keep = history["referral_month"] <= extract
    h = {name: values[keep] for name, values in history.items() if name != "ids"}
    intake_done = h["intake_drawn"] & (h["intake_month"] <= extract)
    intake = np.where(intake_done, h["intake_month"], -1)
    exit_ = np.where(intake_done, h["intake_month"] + h["stay"], -1)
    exit_ = np.where(exit_ <= extract, exit_, -1)
    waiting = h["referral_month"] >= extract - 2  # too recent for an intake: still active
    status = np.select(
        [exit_ >= 0, intake_done, waiting],
        [h["ended_as"], np.where(h["inactive"], 1, 0), 0],
        default=4,  # closed_other: referred, never took up intake
    )
    records = {
        name: h[name] for name in ("person", "episode_seq", "referral_month", *CATEGORIES) if name in h
    }
    records.update(
        pseudo_id=history["ids"][h["person"]],
        intake_completed=np.where(intake_done, 0, 1),
        intake_month=intake,
        exit_month=exit_,
        status_at_extract=status,
    )
    for six, twelve in OUTCOME_PAIRS:
        for name, window in ((six, 6), (twelve, 12)):
            closed = window_closed(h["referral_month"], window, extract)
            records[name] = np.where(closed, h[name].astype(np.int8), -1)
    return records


def _records_csv(records: dict[str, np.ndarray], extract_as_of: datetime.date) -> str:
    """Write the records in the export's column order, one line per episode."""
    last = max([int(records[name].max()) for name in MONTH_COLUMNS if len(records[name])], default=0) + 1
    months = np.array([month_text(i) for i in range(last)] + [""], dtype=object)  # -1 -> blank
    text = {
        "pseudo_id": records["pseudo_id"],
        "episode_seq": np.array(records["episode_seq"].astype(str), dtype=object),
        "extract_as_of": np.full(len(records["person"]), extract_as_of.isoformat(), dtype=object),
    }
    for name in MONTH_COLUMNS:
        text[name] = months[records[name]]
    for name, values in CATEGORIES.items():
        text[name] = np.array(values, dtype=object)[records[name]]
    for six, twelve in OUTCOME_PAIRS:
        for name in (six, twelve):
            text[name] = np.array(["N", "Y", "NA"], dtype=object)[records[name]]
    rows = map(",".join, zip(*(text[name].tolist() for name in COLUMNS), strict=True))
    return ",".join(COLUMNS) + "\n" + "".join(row + "\n" for row in rows)
