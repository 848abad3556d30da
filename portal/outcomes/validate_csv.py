"""Read a CSV input safely into columns of text, collecting problems with file, line and column.

Shared by `validate.read_records` and `validate.read_comparison`. The file is read in blocks
of about 2 MB of whole lines; each block is checked for NUL bytes, absurdly long lines and
UTF-8, then split straight into columns. Nothing is copied to disk, cached or logged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO, NoReturn

import numpy as np

from portal.outcomes.schema import COLUMNS

MAX_PROBLEMS = 200
MAX_LINE_BYTES = 10_000  # a real row is under 600 bytes; far longer means the wrong file
BLOCK_BYTES = 2 << 20  # about 13,000 rows: little memory, few Python steps per row
HEX_ID = re.compile("[0-9a-fA-F]{16,64}")
_HEX_RUN = re.compile("[0-9a-fA-F]{16,}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, where it is and what is wrong."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ValidationError(Exception):
    """An input file broke the rules; `problems` lists every problem kept (up to 200)."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        lines = [str(problem) for problem in problems]
        if more:
            lines.append(f"... and {more} more problems")
        total = len(problems) + more
        super().__init__(f"{total} problem{'s' * (total != 1)}:\n" + "\n".join(lines))


class UnreadableError(Exception):
    """The rest of the file cannot be read meaningfully."""


class Problems:
    """Collect problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.total = 0

    def add(self, line: int | None, column: str | None, message: str) -> None:
        """Record one problem."""
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.file, line, column, message))

    def add_rows(
        self, lines: np.ndarray, where: np.ndarray, column: str, message: Callable[[int], str]
    ) -> None:
        """Record a problem for each row flagged in `where`, building only the messages kept."""
        rows = np.flatnonzero(where)
        for row in rows[: max(0, MAX_PROBLEMS - len(self.items))]:
            self.items.append(Problem(self.file, int(lines[row]), column, message(int(row))))
        self.total += len(rows)

    def stop(self, line: int | None, column: str | None, message: str) -> NoReturn:
        """Record a problem that ends the reading."""
        self.add(line, column, message)
        raise UnreadableError

    def raise_any(self) -> None:
        """Raise ValidationError if anything was recorded, in file order."""
        if self.total:
            order = {name: i for i, name in enumerate(COLUMNS)}
            kept = sorted(self.items, key=lambda p: (p.line or 0, order.get(p.column or "", -1)))
            raise ValidationError(kept, self.total - len(kept))


def shown(value: str) -> str:
    """Quote one offending value for a message: cut to 40 characters, pseudo_ids hidden."""
    if _HEX_RUN.search(value):
        return "a value like a pseudo_id (not shown)"
    return repr(value if len(value) <= 40 else value[:40] + "…")


def open_bytes(path: Path, problems: Problems) -> BinaryIO:
    """Open the file for reading bytes, turning an OS error into a problem."""
    try:
        return path.open("rb")
    except OSError as error:
        problems.stop(None, None, f"cannot be read ({error.strerror})")


def data_blocks(
    handle: BinaryIO, expected: tuple[str, ...], problems: Problems
) -> Iterator[tuple[dict[str, list[str]], np.ndarray]]:
    """Check the header, then yield each block of data rows as columns, with its line numbers."""
    blocks = _text_blocks(handle, problems)
    first = next(blocks, None)
    if first is None:
        problems.stop(None, None, "the file is empty")
    header_text, _, rest = first[1].partition("\n")
    positions = _header(header_text, expected, problems)
    for first_line, text in chain([(2, rest)], blocks):
        if text:
            values, lines = _split(text, first_line, len(positions), problems)
            yield {name: values[i] for name, i in positions.items()}, lines


def _text_blocks(handle: BinaryIO, problems: Problems) -> Iterator[tuple[int, str]]:
    """Yield (first line number, decoded whole lines) for each block of the file."""
    carry, line = b"", 1
    while True:
        block = handle.read(BLOCK_BYTES)
        if line == 1 and not carry:
            block = block.removeprefix(b"\xef\xbb\xbf")  # the byte-order mark some exports add
        data = carry + block
        if not data:
            return
        cut = data.rfind(b"\n") + 1 if block else len(data)
        data, carry = data[:cut], data[cut:]
        if len(carry) > MAX_LINE_BYTES:
            problems.stop(line + data.count(b"\n"), None, _too_long())
        if data:
            yield line, _decode(data if data.endswith(b"\n") else data + b"\n", line, problems)
            line += data.count(b"\n")


def _too_long() -> str:
    return f"the line is longer than {MAX_LINE_BYTES:,} bytes; is this the right file?"


def _decode(data: bytes, line: int, problems: Problems) -> str:
    """Decode whole lines of UTF-8, stopping at a NUL byte, a bad byte or an absurd line."""
    nul = data.find(b"\0")
    if nul >= 0:
        problems.stop(
            line + data.count(b"\n", 0, nul),
            None,
            "contains a NUL byte, so it is not a CSV text file (a spreadsheet or UTF-16 "
            "file?); export it as CSV in UTF-8",
        )
    parts = data.split(b"\n")
    if max(map(len, parts)) > MAX_LINE_BYTES:
        problems.stop(
            line + next(i for i, part in enumerate(parts) if len(part) > MAX_LINE_BYTES), None, _too_long()
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.stop(
            line + data.count(b"\n", 0, error.start),
            None,
            "is not UTF-8 text (a byte here is not UTF-8); export the file as CSV in UTF-8",
        )
    return text.replace("\r\n", "\n") if "\r" in text else text


def _header(text: str, expected: tuple[str, ...], problems: Problems) -> dict[str, int]:
    """Check the header line and return each expected column's position."""
    try:
        names = next(csv.reader([text], strict=True), [])
    except csv.Error as error:
        problems.stop(1, None, f"the header is not valid CSV ({error})")
    if not names:
        problems.stop(1, None, "the header line is blank; line 1 must name the columns")
    if HEX_ID.fullmatch(names[0]):
        problems.stop(1, None, "line 1 looks like a data row; the header naming the columns is missing")
    for name in dict.fromkeys(names):
        if name not in expected:
            problems.add(1, None, f"unknown column {shown(name)}")
        elif names.count(name) > 1:
            problems.add(1, None, f"column '{name}' appears more than once")
    for name in expected:
        if name not in names:
            problems.add(1, None, f"missing column '{name}'")
    if problems.total:
        raise UnreadableError
    return {name: names.index(name) for name in expected}


def _split(text: str, first_line: int, width: int, problems: Problems) -> tuple[list[list[str]], np.ndarray]:
    """Split whole lines into `width` columns, reporting and dropping malformed lines."""
    if '"' not in text and "\r" not in text:
        # Plain rows (no quoting): one split of the whole block, then every width+1-th
        # field is a line-end marker; far faster than the csv module row by row.
        n_lines = text.count("\n")
        flat = text.replace("\n", ",\n,").split(",")
        flat.pop()
        if len(flat) == n_lines * (width + 1) and flat[width :: width + 1].count("\n") == n_lines:
            lines = np.arange(first_line, first_line + n_lines, dtype=np.int32)
            return [flat[j :: width + 1] for j in range(width)], lines
    return _split_slowly(text, first_line, width, problems)


def _split_slowly(
    text: str, first_line: int, width: int, problems: Problems
) -> tuple[list[list[str]], np.ndarray]:
    """Split lines with the csv module, for quoted values and malformed lines."""
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
    rows, lines = [], []
    line = first_line
    try:
        for row in reader:
            if len(row) == width:
                rows.append(row)
                lines.append(line)
            elif not row:
                problems.add(line, None, "the line is blank")
            else:
                problems.add(line, None, f"has {len(row)} fields but the header has {width}")
            line = first_line + reader.line_num
    except csv.Error as error:
        problems.stop(first_line + reader.line_num - 1, None, f"is not valid CSV ({error})")
    columns = [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    return columns, np.array(lines, dtype=np.int32)
