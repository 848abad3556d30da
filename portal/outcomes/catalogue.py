"""The words that go with a release: table titles, definitions, rules, sources and caveats."""

from __future__ import annotations

from portal.outcomes.rules import MIN_RATE_DENOMINATOR, K

SYNTHETIC_TAG = "(synthetic demo data)"

TABLES = {
    "T1": {
        "title": "Referral episodes per quarter, by referral type",
        "description": (
            "How many times people were referred to LEAD in each quarter, by the route of referral, "
            "with totals for each calendar year and since launch."
        ),
        "unit": "referral episodes",
        "denominator": None,
        "published_when": "the quarter ended before the extract date",
    },
    "T2": {
        "title": "Referral episodes by race, beside the comparison population",
        "description": (
            "Who LEAD reaches: referral episodes by race for each period, their shares, the same shares "
            "among eligible low-level arrests, and the ratio of the two shares (above 1 means a group "
            "makes up more of LEAD referrals than of eligible arrests)."
        ),
        "unit": "referral episodes; comparison: eligible low-level arrests",
        "denominator": "all referral episodes of the period (shares); all eligible arrests of the period",
        "published_when": "the period is complete",
    },
    "T3": {
        "title": "Referral episodes by age and by gender",
        "description": "Referral episodes per period by age band and, separately, by gender.",
        "unit": "referral episodes",
        "denominator": None,
        "published_when": "the period is complete",
    },
    "T4": {
        "title": "From referral to intake to engagement, per referral quarter",
        "description": (
            "Of the episodes referred in each quarter: how many completed intake, and how many were "
            "engaged at 90 days (intake completed and still in the program three months after referral)."
        ),
        "unit": "referral episodes",
        "denominator": "referral episodes of the quarter",
        "published_when": "the quarter ended at least 3 months before the extract date",
    },
    "T5": {
        "title": "Active caseload at the end of each quarter",
        "description": (
            "Episodes that had completed intake by the end of the quarter and had not exited. People LEAD "
            "cannot currently reach stay on the caseload, as the program keeps them."
        ),
        "unit": "referral episodes",
        "denominator": None,
        "published_when": "the quarter ended at least 3 months before the extract date",
    },
    "T6": {
        "title": "Milestones at 6 and 12 months, per yearly cohort",
        "description": (
            "For the episodes referred in each period: how many were housed, in treatment, had obtained ID "
            "and were receiving benefits 6 and 12 months after referral."
        ),
        "unit": "referral episodes",
        "denominator": "episodes of the cohort with complete follow-up for that window",
        "published_when": "every episode of the period has complete follow-up for that window",
    },
    "T7": {
        "title": "Re-arrest within 6 and 12 months, per yearly cohort",
        "description": (
            "For the episodes referred in each period: how many led to a re-arrest within 6 and 12 months."
        ),
        "unit": "referral episodes",
        "denominator": "episodes of the cohort (of that referral type) with complete follow-up",
        "published_when": "every episode of the period has complete follow-up for that window",
    },
    "T8": {
        "title": "Exits per period, by reason",
        "description": (
            "Episodes that completed intake and then left the program, by the period of exit and the reason."
        ),
        "unit": "exits (referral episodes)",
        "denominator": None,
        "published_when": "the period is complete",
    },
    "P": {
        "title": "Unique persons referred since launch",
        "description": (
            "How many different people have been referred at least once since LEAD began, up to the end "
            "of a calendar year. Everywhere else the unit is the referral episode: a person referred twice "
            "counts twice."
        ),
        "unit": "persons",
        "denominator": None,
        "published_when": "once a year, in the first release after the year closes",
    },
}

CATEGORY_LEVELS = {
    "race": {
        "level 1": "Black; White; Hispanic; another race, multiracial or unknown",
        "level 2": "Black; White; all others",
        "note": "Black and White mean non-Hispanic Black and non-Hispanic White.",
    },
    "age": {"level 1": "18–34; 35–54; 55 and over", "level 2": "under 45; 45 and over"},
    "gender": {"level 1": "man; woman or another gender", "level 2": "(the same)"},
    "referral type": {
        "level 1": "arrest diversion; social contact; community or other",
        "level 2": "arrest diversion; all other referral types",
    },
    "period of year tables": {
        "level 1": "each calendar year, with 2016–2017 as one period",
        "level 2": "two-year periods (2016–2017, 2018–2019, ...)",
    },
    "rule": (
        "A table uses level 1 when it keeps at least three quarters of the table's cells publishable, "
        "otherwise level 2. A table keeps the level of its first publication in every later release."
    ),
}

DEFINITIONS = {
    "referral episode": "One referral of one person to LEAD; a person referred twice counts twice.",
    "referral quarter / year": "The calendar quarter or year in which the referral was made.",
    "intake completed": "The person completed LEAD intake after the referral.",
    "engaged at 90 days": (
        "Intake completed and the person had not exited three months after the referral month."
    ),
    "active caseload": (
        "Episodes with intake on or before the quarter and no exit by its end, including people the "
        "program cannot currently reach."
    ),
    "exit": "The end of an episode that had completed intake: goals met, or another reason.",
    "milestone at 6 / 12 months": (
        "Housed, in treatment, holding ID or receiving benefits within 6 or 12 months of referral, "
        "counted once the window and a 3-month data lag have passed."
    ),
    "re-arrest": "An arrest within 6 or 12 months of referral.",
    "comparison population": "Eligible low-level arrests by race in the same years, from the named source.",
}

RULES = [
    f"Any count from 1 to {K - 1} is hidden, whether it would be shown or could be worked out from "
    "other figures (for example referred minus intake, or the total minus the people who achieved a "
    "milestone).",
    "Zero is shown as 0.",
    f"A percentage is shown only when its denominator is at least {MIN_RATE_DENOMINATOR}; with a smaller "
    "denominator only the denominator is shown. When the count who achieved a milestone, or who did not, is "
    f"between 1 and {K - 1}, both counts and the percentage are withheld. 0% and 100% appear only with a "
    f"denominator of at least {MIN_RATE_DENOMINATOR}.",
    "A share or ratio is withheld when its count, its total or the rest of the total is hidden.",
    "Further counts are hidden (complementary suppression) wherever a hidden count could otherwise be "
    "worked out from this release, earlier releases and public facts.",
    "Before anything is published, an integer-programming audit checks that every hidden count of "
    f"1–{K - 1} could, from everything published, be 0 and could be {K} or more. If any check fails, "
    "nothing is published.",
    "Rows published once are repeated unchanged in later releases; percentages are whole numbers.",
]

CAVEATS = [
    "These figures describe the program; they do not show that LEAD caused any outcome.",
    "There is no comparison group of people who were not referred.",
    "Small numbers vary a lot from one period to the next.",
    "The social-contact referral pathway started part way through the series; earlier periods have none.",
    "Hidden counts mean a number was too small to publish safely or could reveal one that was.",
]

SYNTHETIC_CAVEAT = (
    "SYNTHETIC DEMO DATA: every figure in this release was made up by a seeded generator to show how the "
    "dashboard works. None of it describes real people or the real LEAD program."
)


def title(table_id: str, synthetic: bool) -> str:
    """Return a table's title, marked when the data are synthetic."""
    text = TABLES[table_id]["title"]
    return f"{text} {SYNTHETIC_TAG}" if synthetic else text
