"""What the dashboard says about a release: headline figures and one plain sentence per table.

Plain functions of a release's table documents (the JSON the release holds); no request, no
database. A hidden cell is never described by a number: sentences fall back to saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_ORDER = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "P")


@dataclass(frozen=True)
class Headline:
    """One big figure at the top of the dashboard."""

    label: str
    value: str
    note: str


def value(cell: dict) -> int | float | None:
    """Return a cell's published value, or None when it is hidden."""
    return None if cell is None else cell["value"]


def rows_of(document: dict, group: str) -> list[dict]:
    """Return a table's rows of one kind (quarter, year, period, since_launch)."""
    return [row for row in document["rows"] if row["group"] == group]


def last_row(document: dict, group: str) -> dict | None:
    """Return the latest row of one kind, or None."""
    found = rows_of(document, group)
    return found[-1] if found else None


def shown(number: int | float | None, unit: str = "") -> str:
    """Format a published number, or say it is hidden."""
    if number is None:
        return "hidden"
    text = f"{number:,}" if isinstance(number, int) else f"{number:g}"
    return f"{text}{unit}"


def headlines(tables: dict[str, dict]) -> list[Headline]:
    """Return the figures residents ask about first."""
    found = []
    t1 = tables.get("T1")
    if t1:
        year = last_row(t1, "year")
        if year:
            found.append(
                Headline(
                    f"Referrals in {year['label']}", shown(value(year["cells"]["total"])), "referral episodes"
                )
            )
        launch = last_row(t1, "since_launch")
        if launch:
            found.append(
                Headline("Referrals since launch", shown(value(launch["cells"]["total"])), launch["label"])
            )
    t5 = tables.get("T5")
    if t5 and t5["rows"]:
        row = t5["rows"][-1]
        found.append(
            Headline(
                "Active caseload", shown(value(row["cells"]["caseload"])), f"at the end of {row['label']}"
            )
        )
    persons = tables.get("P")
    if persons and persons["rows"]:
        row = persons["rows"][-1]
        found.append(
            Headline("People referred since launch", shown(value(row["cells"]["persons"])), row["label"])
        )
    return found


@dataclass(frozen=True)
class RaceShare:
    """One race group's share of referrals beside its share of eligible arrests."""

    group: str
    referral_share: int | None
    arrest_share: int | None


def race_shares(tables: dict[str, dict]) -> tuple[str, list[RaceShare]]:
    """Return the latest period of T2 and each group's two shares."""
    t2 = tables.get("T2")
    if not t2 or not t2["rows"]:
        return "", []
    row = t2["rows"][-1]
    shares = []
    for column in t2["columns"]:
        if column["kind"] == "percent" and column["group"]:
            key = column["key"]
            prefix = key.removesuffix("_share")
            shares.append(
                RaceShare(
                    column["group"],
                    value(row["cells"].get(key)),
                    value(row["cells"].get(f"{prefix}_comparison_share")),
                )
            )
    return row["label"], shares


def reading(table_id: str, document: dict) -> str:
    """Return one plain-language sentence about what a table shows."""
    describe = READINGS.get(table_id)
    if not document["rows"] or describe is None:
        return "There is nothing to show in this table yet."
    return describe(document)


def _t1(doc: dict) -> str:
    year = last_row(doc, "year")
    if not year:
        return "Counts of referrals for each quarter."
    total, arrests = value(year["cells"]["total"]), value(year["cells"].get("arrest_diversion"))
    if total is None:
        return f"The number of referrals in {year['label']} is hidden to protect privacy."
    if arrests is None or not total:
        return f"In {year['label']}, LEAD had {total} referrals."
    return (
        f"In {year['label']}, LEAD had {total} referrals; {arrests} of them "
        f"({round(100 * arrests / total)}%) were arrest diversions."
    )


def _t2(doc: dict) -> str:
    period, shares = race_shares({"T2": doc})
    biggest = max(
        (s for s in shares if s.referral_share is not None), key=lambda s: s.referral_share, default=None
    )
    if biggest is None:
        return f"In {period}, the shares by race are hidden to protect privacy."
    if biggest.arrest_share is None:
        return f"In {period}, {biggest.referral_share}% of referrals were of {biggest.group} people."
    return (
        f"In {period}, {biggest.referral_share}% of referrals were of {biggest.group} people, "
        f"compared with {biggest.arrest_share}% of eligible arrests."
    )


def _t3(doc: dict) -> str:
    row = doc["rows"][-1]
    return f"Referrals in {row['label']} by age group and by gender; age and gender are never shown together."


def _t4(doc: dict) -> str:
    row = doc["rows"][-1]
    referred, intake = value(row["cells"]["referred"]), value(row["cells"]["intake"])
    if referred and intake is not None:
        return f"Of {referred} people referred in {row['label']}, {intake} completed intake."
    return f"How many people referred each quarter completed intake and stayed; {row['label']} is the latest."


def _t5(doc: dict) -> str:
    row = doc["rows"][-1]
    caseload = value(row["cells"]["caseload"])
    if caseload is None:
        return f"The caseload at the end of {row['label']} is hidden to protect privacy."
    return f"At the end of {row['label']}, {caseload} referral episodes were on the active caseload."


def _twelve_month_reading(doc: dict, key: str, outcome: str, fallback: str) -> str:
    """Say what share of the latest cohort with 12 months of follow-up reached an outcome."""
    rows = [r for r in doc["rows"] if r["window_months"] == 12] or doc["rows"]
    row = rows[-1]
    percent = value(row["cells"].get(key))
    if percent is None:
        return f"{fallback} for people referred in {row['label']}."
    cohort = row["label"].split(",")[0]
    return f"Of people referred in {cohort}, {percent}% {outcome} within 12 months."


def _t6(doc: dict) -> str:
    return _twelve_month_reading(doc, "housing_percent", "were housed", "Housing, treatment, ID and benefits")


def _t7(doc: dict) -> str:
    return _twelve_month_reading(doc, "rearrested_percent", "were arrested again", "Re-arrest")


def _t8(doc: dict) -> str:
    row = doc["rows"][-1]
    met, total = value(row["cells"].get("goals_met")), value(row["cells"].get("total"))
    if met is None or not total:
        return f"Why episodes ended in {row['label']}."
    return f"In {row['label']}, {met} of {total} people who left the program had met their goals."


def _p(doc: dict) -> str:
    row = doc["rows"][-1]
    persons = value(row["cells"]["persons"])
    return f"{shown(persons)} different people have been referred since launch; some more than once."


READINGS = {"T1": _t1, "T2": _t2, "T3": _t3, "T4": _t4, "T5": _t5, "T6": _t6, "T7": _t7, "T8": _t8, "P": _p}


def next_release(release_id: str) -> str:
    """Describe the next quarterly release after this one (due once its quarter has closed)."""
    year, quarter = int(release_id[:4]), int(release_id[5])
    year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    due_month = ("June", "September", "December", "March")[quarter - 1]
    due_year = year + 1 if quarter == 4 else year
    return f"{year} Q{quarter}, expected by the end of {due_month} {due_year}"
