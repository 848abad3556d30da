"""Reading the steward's export as a file: encodings, CSV shape, header, limits (validate_csv)."""

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.outcomes.demo import generate_demo_records
from portal.outcomes.schema import COLUMNS
from portal.outcomes.validate import Problem, ValidationError, read_records
from tests.test_outcomes_validate import (
    FILE,
    PERSON_A,
    PERSON_B,
    make_open_row,
    make_row,
    problems_of,
    write_rows,
)


def test_problem_reads_as_file_line_column_message():
    problem = Problem(FILE, 12, "referral_month", "'2016-13' is not a month (YYYY-MM)")
    assert str(problem) == "records.csv, line 12, column referral_month: '2016-13' is not a month (YYYY-MM)"
    assert str(Problem(FILE, None, None, "the file is empty")) == "records.csv: the file is empty"


def test_quoted_crlf_and_bom_files_read_the_same(tmp_path):
    rows = [make_row(), make_open_row(pseudo_id=PERSON_B)]
    plain = read_records(write_rows(tmp_path, rows))
    path = tmp_path / "quoted.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    quoted = read_records(path)
    assert quoted.referral_month.tolist() == plain.referral_month.tolist()
    assert quoted.codes["offence_group"].tolist() == plain.codes["offence_group"].tolist()


def test_progress_is_called_with_rows_read(tmp_path):
    calls = []
    records = read_records(write_rows(tmp_path, [make_row()]), progress=calls.append)
    assert calls == [len(records)] == [1]


def test_a_pseudo_id_in_the_wrong_column_is_not_echoed(tmp_path):
    with pytest.raises(ValidationError) as caught:
        read_records(write_rows(tmp_path, [make_row(referral_type=PERSON_B)]))
    assert PERSON_B not in str(caught.value)
    assert caught.value.problems[0].message.startswith("a value like a pseudo_id (not shown) is not one of")


def test_empty_file_and_header_only(tmp_path):
    empty = tmp_path / FILE
    empty.write_bytes(b"")
    assert problems_of(empty) == [Problem(FILE, None, None, "the file is empty")]
    assert problems_of(write_rows(tmp_path, [])) == [
        Problem(FILE, None, None, "has a header but no data rows")
    ]


def test_missing_file_is_a_validation_error(tmp_path):
    assert problems_of(tmp_path / FILE) == [
        Problem(FILE, None, None, "cannot be read (No such file or directory)")
    ]


def test_not_utf8_names_the_line(tmp_path):
    path = write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B)])
    path.write_bytes(path.read_bytes().replace(b"drug_possession", b"caf\xe9", 1))
    assert problems_of(path) == [
        Problem(
            FILE, 2, None, "is not UTF-8 text (a byte here is not UTF-8); export the file as CSV in UTF-8"
        )
    ]


def test_nul_byte_and_utf16_files_are_refused(tmp_path):
    path = write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B)])
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("APD", "A\0PD", 2).encode())
    message = (
        "contains a NUL byte, so it is not a CSV text file (a spreadsheet or UTF-16 file?); "
        "export it as CSV in UTF-8"
    )
    assert problems_of(path) == [Problem(FILE, 2, None, message)]
    path.write_bytes(text.encode("utf-16"))
    assert problems_of(path) == [Problem(FILE, 1, None, message)]


def test_lines_with_the_wrong_number_of_fields(tmp_path):
    short = list(make_row().values())[:-1]
    path = write_rows(tmp_path, [make_row(), short, [], make_row(pseudo_id=PERSON_B)])
    assert problems_of(path) == [
        Problem(FILE, 3, None, "has 24 fields but the header has 25"),
        Problem(FILE, 4, None, "the line is blank"),
    ]


def test_broken_quoting_is_not_csv(tmp_path):
    path = write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B, gender='"man"x')])
    assert problems_of(path) == [Problem(FILE, 3, None, "is not valid CSV (',' expected after '\"')")]


def test_a_quoted_line_break_keeps_later_line_numbers_right(tmp_path):
    path = write_rows(tmp_path, [make_row(gender='"m\nan"'), make_row(pseudo_id=PERSON_B, age_band="99")])
    assert problems_of(path) == [
        Problem(FILE, 2, "gender", "'m\\nan' is not one of: man, woman, another_or_unknown"),
        Problem(FILE, 4, "age_band", "'99' is not one of: 18-24, 25-34, 35-44, 45-54, 55+"),
    ]


def test_absurdly_long_lines(tmp_path):
    path = write_rows(tmp_path, [make_row(), make_row(pseudo_id=PERSON_B, gender="x" * 20_000)])
    message = "the line is longer than 10,000 bytes; is this the right file?"
    assert problems_of(path) == [Problem(FILE, 3, None, message)]
    path.write_bytes(path.read_bytes().rstrip(b"\n") + b"y" * (3 << 20))  # no line end, past a block
    assert problems_of(path) == [Problem(FILE, 3, None, message)]


def test_unknown_missing_and_repeated_columns(tmp_path):
    header = [c for c in COLUMNS if c != "exit_month"] + ["notes", "gender"]
    row = make_row(notes="x")
    path = write_rows(tmp_path, [row], header=header)
    assert problems_of(path) == [
        Problem(FILE, 1, None, "column 'gender' appears more than once"),
        Problem(FILE, 1, None, "unknown column 'notes'"),
        Problem(FILE, 1, None, "missing column 'exit_month'"),
    ]


def test_a_missing_header_is_named(tmp_path):
    path = tmp_path / FILE
    path.write_text(",".join(make_row().values()) + "\n")
    assert problems_of(path) == [
        Problem(FILE, 1, None, "line 1 looks like a data row; the header naming the columns is missing")
    ]


def test_columns_may_come_in_any_order(tmp_path):
    assert len(read_records(write_rows(tmp_path, [make_row()], header=COLUMNS[::-1]))) == 1


def test_problems_are_capped_and_counted(tmp_path):
    rows = [make_row(pseudo_id=f"{i:032x}", gender="?") for i in range(300)]
    with pytest.raises(ValidationError) as caught:
        read_records(write_rows(tmp_path, rows))
    assert len(caught.value.problems) == 200 and caught.value.more == 100
    assert caught.value.problems[0].line == 2
    assert str(caught.value).startswith("300 problems:\n")
    assert str(caught.value).endswith("... and 100 more problems")


VALID_BYTES = (
    ",".join(COLUMNS)
    + "\n"
    + "\n".join(",".join(make_row(pseudo_id=p).values()) for p in (PERSON_A, PERSON_B))
).encode()


CSV_LIKE = st.text(alphabet=st.sampled_from(list(',"\n\r\0 YNA-12ab\xe9\ufeff')), max_size=200)


@settings(max_examples=150, deadline=None)
@given(
    insert=st.one_of(st.binary(max_size=300), CSV_LIKE.map(str.encode)), at=st.integers(0, len(VALID_BYTES))
)
def test_any_damage_gives_records_or_a_validation_error(tmp_path_factory, insert, at):
    path = tmp_path_factory.mktemp("fuzz") / FILE
    path.write_bytes(VALID_BYTES[:at] + insert + VALID_BYTES[at:])
    try:
        read_records(path)
    except ValidationError as error:
        assert error.problems and all(p.file == FILE for p in error.problems)
        assert PERSON_A not in str(error) and PERSON_B not in str(error)


def test_progress_is_reported_about_every_50000_rows(tmp_path):
    path = tmp_path / FILE
    path.write_text(generate_demo_records(scale=120), encoding="utf-8")
    calls = []
    records = read_records(path, progress=calls.append)
    assert len(records) > 60_000
    assert len(calls) == 2 and 50_000 <= calls[0] < 65_000 and calls[1] == len(records)
