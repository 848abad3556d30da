"""Spot personal details and signs of a crisis in what someone wrote, with plain regular expressions.

These checks only warn: a person can always send their message as it is. They are tuned to
miss little that matters while leaving ordinary questions alone (years, counts, 911 and 988,
street names without a house number, percentages).
"""

import datetime
import re
from dataclasses import dataclass

# Keys in the order a warning lists them; labels live with the interface text.
PHONE, EMAIL, ADDRESS, BIRTH_DATE, CASE_NUMBER = "phone", "email", "address", "birth-date", "case-number"
PERSONAL_KINDS = (PHONE, EMAIL, ADDRESS, BIRTH_DATE, CASE_NUMBER)

# A match may only start where a run of address characters starts: without the lookbehind a
# long run with no @ in it is rescanned from every position (quadratic: 100 KB took 16 s).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# US numbers written any common way; digits on either side mean it is part of something longer.
_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s*|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?![\d-])")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")

_STREET_TYPES = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|place|pl|court|ct|terrace|ter|"
    r"parkway|pkwy|square|sq|way|alley|circle|cir|highway|hwy|row"
)
# Words that follow a number in ordinary sentences ("2 hours on the court") are not street names.
_NOT_STREET_WORD = (
    r"(?!(?:on|in|at|the|a|an|to|of|for|and|or|by|from|with|more|less|than|times?|hours?|days?|weeks?|"
    r"months?|years?|minutes?|people|persons?|men|women|kids|cars?|blocks?|miles?|feet|percent|were|was|are)\b)"
)
_ADDRESS = re.compile(
    rf"(?<![\w,.$])\d{{1,5}}[a-z]?\s+(?:{_NOT_STREET_WORD}[a-z0-9]+\.?\s+){{1,3}}(?:{_STREET_TYPES})\b\.?",
    re.IGNORECASE,
)
_APARTMENT = re.compile(r"\b(?:apt|apartment)\.?\s*#?\s*\d+[a-z]?\b", re.IGNORECASE)

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?![\d/.-])")
_WORDY_DATE = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_BIRTH_WORDS = re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born)\b", re.IGNORECASE)

_CASE_NUMBER = re.compile(
    r"\b(?:case|arrest|booking|docket|incident|indictment|warrant|complaint|ticket|citation|inmate|"
    r"nysid|din|ssn|social security|report|file)\s*(?:number|num|no\.?|#)?\s*[:#]?\s*"
    r"([a-z]{0,4}[-\s]?\d[\d-]{3,})",
    re.IGNORECASE,
)
# Reference numbers such as 23-012345 or 2024-000123 (but not year ranges like 2016-2017).
_BARE_REFERENCE = re.compile(r"(?<![\d-])\d{2,4}-\d{5,}(?![\d-])")

CRISIS_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Thoughts of suicide or self-harm.
        r"\b(?:i'm|i am|feel|feeling|been|is|was|are|am|get|getting) suicidal\b",
        r"\bsuicidal (?:thoughts|feelings)\b",
        r"\b(?:thinking|thoughts?) (?:about|of) (?:suicide|killing myself)\b",
        r"\b(?:commit|attempt|attempted|going to commit) suicide\b",
        r"\b(?:kill|hurt|harm|cut)(?:ing)? my ?self\b",
        r"\bself[- ]?harm",
        r"\b(?:end|take|ending|taking) (?:my|my own) life\b",
        r"\bend it all\b",
        r"\b(?:want|wanna|going|gonna|ready) (?:to )?die\b",
        r"\bbetter off dead\b",
        r"\bno reason to (?:live|go on)\b",
        # An overdose happening now.
        r"\b(?:is|are|am|i'm|just|been) (?:overdosing|od'?ing|o\.d\.'?ing)\b",
        r"\b(?:just|has|have|i|she|he|they) (?:overdosed|od'?d)\b",
        r"\btook too many (?:pills|of)\b",
        r"\b(?:is|isn't|not|stopped) breathing\b",
        r"\bwon'?t wake up\b",
        r"\bunresponsive\b",
        # Violence or danger now.
        r"\b(?:going|gonna|about|threaten(?:ing|ed|s)?) to (?:kill|shoot|stab|hurt|beat)\b",
        r"\b(?:has|have|with|pulled|holding|waving) a (?:gun|knife|weapon)\b",
        r"\b(?:is|are|keeps?) (?:beating|hitting|attacking|choking|hurting) (?:me|her|him|us|them)\b",
        r"\bbeing (?:attacked|beaten|stabbed|shot|abused)\b",
        r"\b(?:i am|i'm|we are|we're|i feel) (?:in danger|not safe|unsafe)\b",
        r"\b(?:this is|it'?s) an emergency\b",
    )
)


@dataclass(frozen=True)
class Screening:
    """What the checks found: kinds of personal detail (keys, never the text) and crisis signs."""

    personal: tuple[str, ...] = ()
    crisis: bool = False


def _normalise(text: str) -> str:
    # Curly quotes would make "won’t" slip past "won't".
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _plausible_birth_year(year: int, today: datetime.date) -> bool:
    # A full date at least ten years back is more often a birth date than a meeting date.
    return 1900 <= year <= today.year - 10


def _four_digit(year: str) -> int:
    value = int(year)
    return value if len(year) == 4 else (1900 + value if value > 30 else 2000 + value)


def has_birth_date(text: str, today: datetime.date | None = None) -> bool:
    """Return True if the text holds a full date that is probably someone's date of birth."""
    today = today or datetime.date.today()
    dates = [m.start() for m in _NUMERIC_DATE.finditer(text)] + [
        m.start() for m in _WORDY_DATE.finditer(text)
    ]
    if not dates:
        return False
    if _BIRTH_WORDS.search(text):
        return True
    years = [_four_digit(m.group(3)) for m in _NUMERIC_DATE.finditer(text)]
    years += [int(m.group(1)) for m in _WORDY_DATE.finditer(text)]
    return any(_plausible_birth_year(year, today) for year in years)


def has_case_number(text: str) -> bool:
    """Return True if the text holds a case, arrest, booking or similar reference number."""
    for match in _CASE_NUMBER.finditer(text):
        if sum(ch.isdigit() for ch in match.group(1)) >= 4:
            return True
    return bool(_BARE_REFERENCE.search(text) or _SSN.search(text))


def personal_details(text: str, today: datetime.date | None = None) -> tuple[str, ...]:
    """Return the kinds of personal detail found in the text, in a fixed order."""
    text = _normalise(text)
    found = {
        PHONE: bool(_PHONE.search(_SSN.sub(" ", text))),
        EMAIL: bool(_EMAIL.search(text)),
        ADDRESS: bool(_ADDRESS.search(text) or _APARTMENT.search(text)),
        BIRTH_DATE: has_birth_date(text, today),
        CASE_NUMBER: has_case_number(text),
    }
    return tuple(kind for kind in PERSONAL_KINDS if found[kind])


def reads_like_crisis(text: str) -> bool:
    """Return True if the text reads like an emergency, a crisis or danger happening now."""
    text = _normalise(text)
    return any(pattern.search(text) for pattern in CRISIS_PATTERNS)


def screen(*texts: str | None, today: datetime.date | None = None) -> Screening:
    """Screen everything a person wrote in the free-text fields."""
    joined = "\n".join(t for t in texts if t)
    return Screening(personal=personal_details(joined, today), crisis=reads_like_crisis(joined))
