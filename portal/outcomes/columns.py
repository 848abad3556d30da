"""The columns of each table at each category level (OUTCOMES.md section 2).

A count column says what it counts (`measure`) in which categories of which block; the
bands map the published categories to the block model's (`blocks.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

Band = tuple[str, str, tuple[int, ...]]
TYPE_BANDS: dict[int, tuple[Band, ...]] = {
    1: (
        ("arrest_diversion", "Arrest diversion", (0,)),
        ("social_contact", "Social contact", (1,)),
        ("other_pathways", "Community or other", (2,)),
    ),
    2: (
        ("arrest_diversion", "Arrest diversion", (0,)),
        ("all_other_pathways", "All other referral types", (1, 2)),
    ),
}
RACE_BANDS: dict[int, tuple[Band, ...]] = {
    1: (
        ("black", "Black", (0,)),
        ("white", "White", (1,)),
        ("hispanic", "Hispanic", (2,)),
        ("another_or_unknown", "Another race or unknown", (3,)),
    ),
    2: (("black", "Black", (0,)), ("white", "White", (1,)), ("all_others", "All others", (2, 3))),
}
AGE_BANDS: dict[int, tuple[Band, ...]] = {
    1: (("age_18_34", "18–34", (0,)), ("age_35_54", "35–54", (1, 2)), ("age_55_plus", "55 and over", (3,))),
    2: (("age_under_45", "Under 45", (0, 1)), ("age_45_plus", "45 and over", (2, 3))),
}
GENDER_BANDS: tuple[Band, ...] = (("man", "Man", (0,)), ("woman_or_another", "Woman or another gender", (1,)))
MILESTONE_COLUMNS = {
    "housed": ("housing", "Housed"),
    "treatment": ("treatment", "In treatment"),
    "id_obtained": ("id_document", "Obtained ID"),
    "benefits": ("benefits", "Receiving benefits"),
}


@dataclass(frozen=True)
class Column:
    """One column: a count (a block-model sum), a percentage or ratio of others, or a public figure."""

    key: str
    label: str
    kind: str  # count | percent | ratio | public | public_percent
    measure: str = ""  # for counts: what is counted (see `cell_expr`)
    block: str = "type"
    cats: tuple[int, ...] | None = None  # block categories; None = all
    of: tuple[str, str] | None = None  # percent/ratio: (numerator, denominator) columns
    group: str = ""


def columns(table_id: str, level: int | None) -> list[Column]:
    """Return a table's columns at a category level."""
    lvl = level or 1
    if table_id == "T1":
        bands = [Column(k, label, "count", "episodes", cats=c) for k, label, c in TYPE_BANDS[lvl]]
        return [*bands, Column("total", "All referral types", "count", "episodes")]
    if table_id == "T2":
        out = [
            Column("total", "Referral episodes", "count", "episodes"),
            Column("comparison_total", "Comparison arrests", "public"),
        ]
        for k, label, c in RACE_BANDS[lvl]:
            out += [
                Column(k, "Referral episodes", "count", "episodes", "race", c, group=label),
                Column(f"{k}_share", "Share of episodes (%)", "percent", of=(k, "total"), group=label),
                Column(f"{k}_comparison", "Comparison arrests", "public", cats=c, group=label),
                Column(
                    f"{k}_comparison_share", "Share of arrests (%)", "public_percent", cats=c, group=label
                ),
                Column(
                    f"{k}_ratio",
                    "Ratio of shares",
                    "ratio",
                    of=(f"{k}_share", f"{k}_comparison_share"),
                    group=label,
                ),
            ]
        return out
    if table_id == "T3":
        ages = [
            Column(k, label, "count", "episodes", "age", c, group="Age") for k, label, c in AGE_BANDS[lvl]
        ]
        genders = [
            Column(k, label, "count", "episodes", "gender", c, group="Gender") for k, label, c in GENDER_BANDS
        ]
        return [Column("total", "Referral episodes", "count", "episodes"), *ages, *genders]
    if table_id == "T4":
        return [
            Column("referred", "Referred", "count", "episodes"),
            Column("intake", "Intake completed", "count", "intake"),
            Column("engaged", "Engaged at 90 days", "count", "engaged"),
        ]
    if table_id == "T5":
        return [Column("caseload", "Active caseload at quarter end", "count", "caseload")]
    if table_id == "T6":
        out = [Column("followed_up", "Episodes with complete follow-up", "count", "episodes")]
        for name, (k, label) in MILESTONE_COLUMNS.items():
            out += [
                Column(k, "Achieved", "count", f"achieved:{name}", group=label),
                Column(f"{k}_percent", "Achieved (%)", "percent", of=(k, "followed_up"), group=label),
            ]
        return out
    if table_id == "T7":
        out = [
            Column("followed_up", "Episodes with complete follow-up", "count", "episodes", group="All"),
            Column("rearrested", "Re-arrested", "count", "rearrested", group="All"),
            Column(
                "rearrested_percent",
                "Re-arrested (%)",
                "percent",
                of=("rearrested", "followed_up"),
                group="All",
            ),
        ]
        for k, label, c in TYPE_BANDS[lvl]:
            out += [
                Column(
                    f"{k}_followed_up",
                    "Episodes with complete follow-up",
                    "count",
                    "episodes",
                    cats=c,
                    group=label,
                ),
                Column(f"{k}_rearrested", "Re-arrested", "count", "rearrested", cats=c, group=label),
                Column(
                    f"{k}_percent",
                    "Re-arrested (%)",
                    "percent",
                    of=(f"{k}_rearrested", f"{k}_followed_up"),
                    group=label,
                ),
            ]
        return out
    if table_id == "T8":
        return [
            Column("goals_met", "Exited, goals met", "count", "exits", cats=(0,)),
            Column("other_exit", "Exited for another reason", "count", "exits", cats=(1,)),
            Column("total", "All exits", "count", "exits"),
        ]
    if table_id == "P":
        return [Column("persons", "Unique persons referred since launch", "count", "persons")]
    raise KeyError(table_id)
