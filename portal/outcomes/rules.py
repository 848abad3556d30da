"""The disclosure rules as small predicates and constants (OUTCOMES.md section 4)."""

from __future__ import annotations

K = 11  # a count of 1 to K-1 is protected
MIN_RATE_DENOMINATOR = 30  # below this only the denominator of a rate is published

# The symbols of a cell that shows no value. True zero is shown as 0 with no flag.
SUPPRESSED = "suppressed"
WITHHELD = "withheld"
UNAVAILABLE = "unavailable"
# A cell of a corrections row that the release does not list (unchanged, or hidden): it says
# nothing, so the audit takes no equation from it. Never shown, so it has no symbol.
NOT_LISTED = "not_listed"
SYMBOLS = {
    SUPPRESSED: {
        "csv": "suppressed",
        "label": "Hidden to protect privacy",
        "explanation": (
            "This count is hidden. Either it is between 1 and 10, or it is hidden so that a "
            "small count elsewhere cannot be worked out from it by adding or subtracting. "
            "The two cases share one symbol on purpose: telling them apart would reveal "
            "which counts are small."
        ),
    },
    WITHHELD: {
        "csv": "withheld",
        "label": "Percentage or ratio withheld",
        "explanation": (
            "A percentage or ratio is not shown when its count is hidden, when its denominator "
            "is under 30, or when it would be 0% or 100% of fewer than 30 episodes."
        ),
    },
    UNAVAILABLE: {
        "csv": "unavailable",
        "label": "Not available",
        "explanation": "There are no comparison figures for this period.",
    },
    "zero": {
        "csv": "0",
        "label": "True zero",
        "explanation": "A count of zero is a real zero and is always shown as 0.",
    },
}


def is_small(count: int) -> bool:
    """Say whether a count is protected by the k = 11 rule."""
    return 1 <= count < K


def rate_hides_count(achieved: int, denominator: int) -> bool:
    """Say whether the rate rules hide an achieved count (and so its rate)."""
    return denominator < MIN_RATE_DENOMINATOR or is_small(achieved) or is_small(denominator - achieved)


def whole_percent(numerator: int, denominator: int) -> int:
    """Return a percentage rounded half up to a whole number, never 0 or 100 unless exact."""
    percent = (200 * numerator + denominator) // (2 * denominator)
    if percent == 0 and numerator > 0:
        return 1
    if percent == 100 and numerator < denominator:
        return 99
    return percent


def percent_rows(percent: int) -> list[tuple[int, int, float, float]]:
    """Return what a shown percentage says as rows a*n + b*d within [lo, hi], all whole numbers."""
    # Half-up rounding: p - 0.5 <= 100 n / d < p + 0.5, times 2d; the clamps of whole_percent
    # widen 1 to (0, 1.5) and 99 to [98.5, 100).
    inf = float("inf")
    if percent == 0:
        return [(1, 0, 0.0, 0.0)]
    if percent == 100:
        return [(1, -1, 0.0, 0.0)]
    low = (1, 0, 1.0, inf) if percent == 1 else (200, -(2 * percent - 1), 0.0, inf)
    high = (1, -1, -inf, -1.0) if percent == 99 else (200, -(2 * percent + 1), -inf, -1.0)
    return [low, high]
