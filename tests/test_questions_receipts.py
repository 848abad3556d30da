"""Receipt codes: enough entropy, easy to type back, stored only as a keyed hash."""

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from portal.questions import receipts

SECRET = "s" * 40


def test_word_list_is_large_short_and_plain():
    words = receipts.words()
    assert len(words) >= 2048
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[a-z]{3,8}", word) for word in words)


def test_word_list_avoids_words_that_could_upset_or_point_at_someone():
    words = set(receipts.words())
    for word in ("police", "jail", "arrest", "gun", "kill", "drug", "dead", "crack", "prison", "court"):
        assert word not in words


def test_code_carries_at_least_64_bits():
    assert receipts.entropy_bits() >= 64
    assert receipts.entropy_bits() == receipts.WORDS_PER_CODE * math.log2(len(receipts.words()))


def test_new_codes_are_six_known_words_and_differ():
    codes = {receipts.new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:50]:
        parts = code.split("-")
        assert len(parts) == 6 and all(p in receipts.words() for p in parts)


def test_typed_codes_are_normalised_case_and_separators():
    code = "maple-harbor-violet-candle-meadow-ribbon"
    for typed in (
        code,
        code.upper(),
        "Maple Harbor Violet Candle Meadow Ribbon",
        "  maple.harbor.violet\ncandle, meadow;ribbon ",
        "maple—harbor—violet—candle—meadow—ribbon",
        "maple_harbor_violet_candle_meadow_ribbon",
    ):
        assert receipts.normalize(typed) == code, typed


def test_malformed_codes_are_refused():
    for typed in (
        "",
        "maple harbor violet candle meadow",  # five words
        "maple harbor violet candle meadow ribbon ribbon",  # seven
        "maple harbor violet candle meadow zzzzz",  # not a word on the list
        "maple harbor violet candle meadow ribbon" + " " * 300,  # too long to be a code
        "' OR 1=1 --",
        "<script>alert(1)</script>",
    ):
        assert receipts.normalize(typed) is None, typed


def test_hash_is_keyed_and_only_the_hash_depends_on_the_code():
    code = receipts.new_code()
    first = receipts.keyed_hash(code, SECRET)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first == receipts.keyed_hash(code, SECRET)
    assert first != receipts.keyed_hash(code, "another-secret-" + "x" * 30)
    assert code not in first
    assert receipts.hash_typed(code.upper().replace("-", " "), SECRET) == first
    assert receipts.hash_typed("nonsense", SECRET) is None


def test_groups_split_for_display():
    assert receipts.groups("a-b-c-d-e-f") == [["a", "b", "c"], ["d", "e", "f"]]


@given(st.text(max_size=300))
def test_normalize_never_raises(text):
    result = receipts.normalize(text)
    assert result is None or len(result.split("-")) == 6
