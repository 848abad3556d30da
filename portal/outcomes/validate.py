"""Read the steward's CSV export once, in memory, check every rule, and return `Records`.

The file is read in blocks of about 2 MB and each block is split straight into columns, so
no copy of the file is made and nothing is written, cached or logged. Problems name the file,
the line (the header is line 1) and the column; a message repeats at most the one offending
value (cut to 40 characters) and never a pseudo_id. A problem with the file itself (not UTF-8,
a NUL byte, an absurd line, broken CSV quoting, a wrong header) ends the reading; otherwise
every problem is collected and reported together (the first 200, and how many more).

Rules, beyond the allowed values of each column (OUTCOMES.md section 1):

- the file is UTF-8 text (a byte-order mark is allowed) without NUL bytes or lines over
  10,000 bytes, and is CSV with exactly the header's number of fields on every line;
- the header names every column of `schema.COLUMNS` once, in any order, and no others;
- pseudo_id is 16-64 hex characters (upper case is read as lower case);
- episode_seq is a whole number >= 1; a person's episodes are numbered 1, 2, 3, ... without
  gaps, and no (pseudo_id, episode_seq) pair appears twice;
- months are YYYY-MM, not before the launch (2016-04) and not after the month of
  extract_as_of; intake_month is blank exactly when intake_completed is N and is not before
  referral_month; exit_month is not before intake_month and is blank when intake_month is;
- status_at_extract agrees with exit_month: active and inactive episodes have no exit month,
  and an episode that completed intake and has ended (exited_goals_met, exited_other,
  closed_other) has one. (Not in OUTCOMES.md; without it such an episode would stay on the
  active caseload for ever.)
- offence_group is not_applicable exactly when referral_type is not arrest_diversion;
- race_ethnicity is the same on every episode of a person;
- each outcome is NA exactly while its window is open (`schema.window_closed`), and a
  6-month Y comes with a 12-month Y once the 12-month window has closed;
- extract_as_of is a date YYYY-MM-DD, the same on every row.

The comparison file (`read_comparison`) has the columns year,race_ethnicity,arrests,source:
one row per year and race_ethnicity value (all five values for every year it covers), the
year a whole number from 2016, arrests a whole number >= 0, and the same non-blank source on
every row, e.g. ``2019,black_nh,1234,Albany Police Department arrest data 2019``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from itertools import repeat
from pathlib import Path

import numpy as np

from portal.outcomes.schema import (
    CATEGORIES,
    COLUMNS,
    LAUNCH_INDEX,
    LAUNCH_MONTH,
    MONTH_COLUMNS,
    OUTCOME_COLUMNS,
    OUTCOME_VALUES,
    Comparison,
    Records,
    date_month_index,
    month_index,
    month_text,
)
from portal.outcomes.validate_csv import (
    HEX_ID,
    Problem,
    Problems,
    UnreadableError,
    ValidationError,
    data_blocks,
    open_bytes,
    shown,
)
from portal.outcomes.validate_rules import BLANK, INVALID, check_rules

__all__ = ["Problem", "ValidationError", "read_comparison", "read_records"]

PROGRESS_ROWS = 50_000
ID_BYTES = 32  # a pseudo_id of 64 hex characters at most
UNREAD = -3  # a value the fast lookup did not know: read one by one

_MONTHS = {month_text(i): i for i in range(1200)}  # 2016-01 .. 2115-12
_MONTHS_OR_BLANK = {**_MONTHS, "": BLANK}
_SEQ = {str(i): i for i in range(1, 100)}
_CODES = {name: {value: i for i, value in enumerate(values)} for name, values in CATEGORIES.items()}
_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_records(path: str | Path, progress: Callable[[int], None] | None = None) -> Records:
    """Read and check the steward's export; raise ValidationError listing every problem."""
    path = Path(path)
    problems = Problems(path.name)
    columns = _Columns(problems)
    try:
        with open_bytes(path, problems) as handle:
            reported = 0
            for block, lines in data_blocks(handle, COLUMNS, problems):
                columns.add(block, lines)
                if progress is not None and columns.rows - reported >= PROGRESS_ROWS:
                    reported = columns.rows
                    progress(reported)
        if progress is not None and columns.rows != reported:
            progress(columns.rows)
        if not columns.rows:
            problems.stop(None, None, "has a header but no data rows")
        data = columns.finish()
        check_rules(data, columns.extract, problems)
    except UnreadableError:
        pass
    problems.raise_any()
    return Records(
        person=data["person"].astype(np.int32),
        episode_seq=data["episode_seq"].astype(np.int32),
        referral_month=data["referral_month"],
        intake_month=data["intake_month"],
        exit_month=data["exit_month"],
        codes={name: data[name] for name in CATEGORIES},
        outcomes={name: data[name] for name in OUTCOME_COLUMNS},
        extract_as_of=columns.extract,
    )


def _lookup(values: list[str], table: dict[str, int], dtype: type) -> np.ndarray:
    """Map values through a table, UNREAD where the table has no entry."""
    return np.fromiter(map(table.get, values, repeat(UNREAD)), dtype=dtype, count=len(values))


class _Columns:
    """Convert blocks of text columns to numbers, gathering the blocks for the whole file."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.parts: dict[str, list[np.ndarray]] = {}
        self.extract: datetime.date | None = None
        self.extract_text: str | None = None
        self.extract_line = 0
        self.rows = 0

    def add(self, block: dict[str, list[str]], lines: np.ndarray) -> None:
        """Convert one block of rows."""
        if not len(lines):
            return
        self._keep("lines", lines)
        self.rows += len(lines)
        self._person_keys(block["pseudo_id"], lines)
        self._keep("episode_seq", self._convert(block, "episode_seq", _SEQ, np.int32, lines, _read_seq))
        for name in MONTH_COLUMNS:
            table = _MONTHS if name == "referral_month" else _MONTHS_OR_BLANK
            self._keep(name, self._convert(block, name, table, np.int16, lines, _read_month))
        for name, table in _CODES.items():
            self._keep(name, self._convert(block, name, table, np.int8, lines, _not_one_of(name)))
        for name in OUTCOME_COLUMNS:
            self._keep(name, self._convert(block, name, OUTCOME_VALUES, np.int8, lines, _not_outcome))
        self._extract(block["extract_as_of"], lines)

    def _keep(self, name: str, values: np.ndarray) -> np.ndarray:
        self.parts.setdefault(name, []).append(values)
        return values

    def _convert(
        self,
        block: dict[str, list[str]],
        name: str,
        table: dict[str, int],
        dtype: type,
        lines: np.ndarray,
        read: Callable[[str], tuple[int, str | None]],
    ) -> np.ndarray:
        """Look values up in `table`; read the rest one by one, reporting the invalid ones."""
        values = block[name]
        converted = _lookup(values, table, dtype)
        for row in np.flatnonzero(converted == UNREAD):
            converted[row], message = read(values[row])
            if message:
                self.problems.add(int(lines[row]), name, message)
        return converted

    def _person_keys(self, ids: list[str], lines: np.ndarray) -> None:
        """Keep each pseudo_id only as a key of numbers (its length and bytes) to count persons by."""
        # Keeping millions of id strings would cost far more memory than these arrays.
        lengths = np.fromiter(map(len, ids), dtype=np.int16, count=len(ids))
        joined, width = "".join(ids), len(ids[0])
        if (
            width % 2 == 0
            and 16 <= width <= 64
            and (lengths == width).all()
            and joined.isascii()
            and not joined.encode().translate(None, b"0123456789abcdefABCDEF")
        ):
            raw = np.frombuffer(bytes.fromhex(joined), dtype=np.uint8).reshape(len(ids), width // 2)
            valid = np.ones(len(ids), dtype=bool)
        else:
            raw, valid = self._person_keys_slowly(ids, lines)
        self._keep("id_key", raw)
        self._keep("id_length", np.where(valid, lengths, -1))

    def _person_keys_slowly(self, ids: list[str], lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raw = np.zeros((len(ids), ID_BYTES), dtype=np.uint8)
        valid = np.zeros(len(ids), dtype=bool)
        for row, pid in enumerate(ids):
            if HEX_ID.fullmatch(pid):
                id_bytes = bytes.fromhex(pid + "0" * (len(pid) % 2))  # the length tells "a" from "a0"
                raw[row, : len(id_bytes)] = np.frombuffer(id_bytes, dtype=np.uint8)
                valid[row] = True
            else:
                self.problems.add(int(lines[row]), "pseudo_id", "pseudo_id is not 16–64 hex characters")
        return raw, valid

    def _extract(self, values: list[str], lines: np.ndarray) -> None:
        """Check extract_as_of is one valid date on every row."""
        if self.extract_text is None:
            self.extract_text = values[0]
            self.extract_line = int(lines[0])
            self.extract, message = _read_extract(values[0])
            if message:
                self.problems.add(int(lines[0]), "extract_as_of", message)
        if values.count(self.extract_text) != len(values):
            for row, value in enumerate(values):
                if value != self.extract_text:
                    self.problems.add(
                        int(lines[row]),
                        "extract_as_of",
                        f"{shown(value)} differs from extract_as_of on line {self.extract_line}; "
                        "it must be the same on every row",
                    )

    def finish(self) -> dict[str, np.ndarray]:
        """Join the blocks into whole columns, numbering persons and dropping the id keys."""
        width = max(part.shape[1] for part in self.parts["id_key"])
        keys = np.zeros((self.rows, -(-width // 8) * 8), dtype=np.uint8)  # whole 64-bit words
        start = 0
        for part in self.parts.pop("id_key"):
            keys[start : start + len(part), : part.shape[1]] = part
            start += len(part)
        data = {name: np.concatenate(parts) for name, parts in self.parts.items()}
        self.parts.clear()
        data["person"] = _number_persons(keys.view(np.uint64), data.pop("id_length"))
        return data


def _number_persons(keys: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Number the distinct (length, bytes) keys 0, 1, ...; INVALID where the pseudo_id was."""
    rows = np.flatnonzero(lengths >= 0)
    columns = [keys[rows, c] for c in range(keys.shape[1])] + [lengths[rows]]
    columns = [column for column in columns if len(column) and np.ptp(column)]  # constants sort nothing
    order = np.lexsort(columns[::-1]) if columns else np.arange(len(rows))  # the last key sorts first
    changed = np.zeros(len(rows), dtype=bool)
    for column in columns:
        ordered = column[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    person = np.full(len(lengths), INVALID, dtype=np.int32)
    person[rows[order]] = np.cumsum(changed)
    return person


def _read_seq(value: str) -> tuple[int, str | None]:
    """Read an episode_seq the fast lookup did not know."""
    if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) >= 1:
        return int(value), None
    return INVALID, f"{shown(value)} is not a whole number of 1 or more"


def _read_month(value: str) -> tuple[int, str | None]:
    """Read a month the fast lookup did not know (all such months are problems)."""
    if not value:
        return INVALID, "is blank; a month (YYYY-MM) is required"
    try:
        index = month_index(value)
    except ValueError:
        return INVALID, f"{shown(value)} is not a month (YYYY-MM)"
    if index < LAUNCH_INDEX:
        return INVALID, f"{shown(value)} is before the LEAD launch month ({LAUNCH_MONTH})"
    return INVALID, f"{shown(value)} is after the month of extract_as_of"


def _not_one_of(name: str) -> Callable[[str], tuple[int, str | None]]:
    """Return the reader that reports a value outside CATEGORIES[name]."""
    allowed = ", ".join(CATEGORIES[name])
    return lambda value: (INVALID, f"{shown(value)} is not one of: {allowed}")


def _not_outcome(value: str) -> tuple[int, str | None]:
    return INVALID, f"{shown(value)} is not Y, N or NA"


def _read_extract(value: str) -> tuple[datetime.date | None, str | None]:
    """Read extract_as_of, a date from the launch month to 2115."""
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None, f"{shown(value)} is not a date (YYYY-MM-DD)"
    if not LAUNCH_INDEX <= date_month_index(day) < 1200:
        return None, f"{shown(value)} is not a plausible extract date (from {LAUNCH_MONTH})"
    return day, None


COMPARISON_COLUMNS = ("year", "race_ethnicity", "arrests", "source")


def read_comparison(path: str | Path) -> Comparison:
    """Read the comparison population file; raise ValidationError listing every problem."""
    path = Path(path)
    problems = Problems(path.name)
    counts: dict[int, dict[str, int]] = {}
    sources: set[str] = set()
    try:
        with open_bytes(path, problems) as handle:
            for block, lines in data_blocks(handle, COMPARISON_COLUMNS, problems):
                for row, line in enumerate(lines.tolist()):
                    values = {name: block[name][row] for name in COMPARISON_COLUMNS}
                    _comparison_row(values, line, counts, problems)
                    sources.add(values["source"])
        if not sources:
            problems.stop(None, None, "has a header but no data rows")
        _comparison_whole(counts, sources, problems)
    except UnreadableError:
        pass
    problems.raise_any()
    return Comparison(counts=counts, source=sources.pop())


def _comparison_row(
    values: dict[str, str], line: int, counts: dict[int, dict[str, int]], problems: Problems
) -> None:
    """Check one comparison row and add its count."""
    year, race, arrests = values["year"], values["race_ethnicity"], values["arrests"]
    valid = True
    if not (year.isascii() and year.isdigit() and len(year) == 4 and int(year) >= 2016):
        problems.add(line, "year", f"{shown(year)} is not a year from 2016 (YYYY)")
        valid = False
    if race not in _CODES["race_ethnicity"]:
        problems.add(line, "race_ethnicity", _not_one_of("race_ethnicity")(race)[1] or "")
        valid = False
    if not (arrests.isascii() and arrests.isdigit() and len(arrests) <= 9):
        problems.add(line, "arrests", f"{shown(arrests)} is not a whole number of 0 or more")
        valid = False
    if not values["source"].strip():
        problems.add(line, "source", "is blank; name the source of the comparison figures")
    if valid:
        by_race = counts.setdefault(int(year), {})
        if race in by_race:
            problems.add(line, "race_ethnicity", f"a second row for {year} and '{race}'")
        by_race[race] = int(arrests)


def _comparison_whole(counts: dict[int, dict[str, int]], sources: set[str], problems: Problems) -> None:
    """Check every year has every race value and the source is the same throughout."""
    if len(sources) > 1:
        problems.add(None, "source", f"names {len(sources)} different sources; use one on every row")
    for year, by_race in sorted(counts.items()):
        for race in CATEGORIES["race_ethnicity"]:
            if race not in by_race:
                problems.add(None, "race_ethnicity", f"year {year} has no row for '{race}'")
