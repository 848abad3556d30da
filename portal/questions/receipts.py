"""Receipt codes: random words a person can write down; only a keyed hash of one is ever stored.

A code is six words drawn with `secrets` from a list of at least 2,048 short common words, so
it carries at least 66 bits of entropy. People may type it back in any case and with any
separators (spaces, hyphens, dots, new lines); it is normalised before hashing.
"""

import functools
import hashlib
import hmac
import math
import re
import secrets
from importlib import resources

WORDS_PER_CODE = 6
MIN_WORDS = 2048
# Longer input than this cannot be a code; refuse it before any regular expression runs.
MAX_INPUT = 200
_WORD = re.compile(r"[a-z]+")


@functools.cache
def words() -> tuple[str, ...]:
    """Return the word list shipped with the package (read once)."""
    text = resources.files(__package__).joinpath("words.txt").read_text(encoding="utf-8")
    found = tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    if len(found) < MIN_WORDS or len(set(found)) != len(found):
        raise RuntimeError("words.txt must hold at least 2,048 different words")
    return found


@functools.cache
def _word_set() -> frozenset[str]:
    return frozenset(words())


def entropy_bits() -> float:
    """Return how many bits of entropy one code carries."""
    return WORDS_PER_CODE * math.log2(len(words()))


def new_code() -> str:
    """Return a fresh random code such as 'maple-harbor-violet-candle-meadow-ribbon'."""
    pool = words()
    return "-".join(secrets.choice(pool) for _ in range(WORDS_PER_CODE))


def normalize(text: str) -> str | None:
    """Return the canonical form of a typed code, or None if it cannot be one."""
    if not text or len(text) > MAX_INPUT:
        return None
    found = _WORD.findall(text.casefold())
    if len(found) != WORDS_PER_CODE or not all(word in _word_set() for word in found):
        return None
    return "-".join(found)


def _key(secret: str) -> bytes:
    # A key of its own, derived from SECRET_KEY, so a receipt hash never equals any other HMAC.
    return hmac.new(secret.encode(), b"receipt-code-hash v1", hashlib.sha256).digest()


def keyed_hash(code: str, secret: str) -> str:
    """Return the keyed hash stored for a canonical code (HMAC-SHA256, hex)."""
    return hmac.new(_key(secret), code.encode(), hashlib.sha256).hexdigest()


def hash_typed(text: str, secret: str) -> str | None:
    """Return the keyed hash of a typed code, or None when it is malformed."""
    code = normalize(text)
    return keyed_hash(code, secret) if code else None


def groups(code: str, size: int = 3) -> list[list[str]]:
    """Split a code into word groups for display: [['maple', 'harbor', 'violet'], [...]]."""
    parts = code.split("-")
    return [parts[i : i + size] for i in range(0, len(parts), size)]
