"""Password rules (length, common passwords, context words) and scrypt hashing."""

import functools
import re
import unicodedata
from pathlib import Path

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 1000
COMMON_LIST = Path(__file__).with_name("common-passwords.txt")
# Words from the portal's own name: a password built on them is guessed early.
SITE_WORDS = ("albanylead", "leadclt", "leadalbany", "communityleadershipteam")
_NON_ALNUM = re.compile(r"[\W_]+")
_EDGE = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$", re.DOTALL)


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of the 10,000 most common passwords, in lower case."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def normalise(password: str) -> str:
    """Return the password in Unicode NFKC form, so the same text typed anywhere matches."""
    return unicodedata.normalize("NFKC", password or "")


def _squash(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def problem(password: str, email: str = "", site_name: str = "") -> str | None:
    """Return why a new password is refused, or None if it is acceptable."""
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        return str(
            _l("Use at least %(n)d characters. A few unrelated words make a good passphrase.", n=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    core = _EDGE.match(lowered).group(1)
    if lowered in common_passwords() or (len(core) >= 4 and core in common_passwords()):
        return str(
            _l("This is one of the most common passwords, so it is easy to guess. Please choose another.")
        )
    if len(set(lowered)) < 4:
        return str(_l("This repeats too few different characters. Please choose another."))
    squashed = _squash(password)
    local_part = _squash(email.partition("@")[0])
    if (len(local_part) >= 3 and local_part in squashed) or (email and _squash(email) in squashed):
        return str(_l("Please do not use your email address in your password."))
    site_words = SITE_WORDS + ((_squash(site_name),) if site_name else ())
    if any(word and word in squashed for word in site_words):
        return str(_l("Please do not use the name of this site in your password."))
    return None


# werkzeug's scrypt (n=2**15, r=8, p=1). Each hash records its own parameters, so raising them
# later still verifies old hashes; the test suite lowers them to save minutes, never the site.
STRENGTH = "scrypt"
METHOD = STRENGTH


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of the password."""
    return generate_password_hash(normalise(password), method=METHOD)


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password never used", method=METHOD)


def verify(stored_hash: str | None, password: str) -> bool:
    """Return True if the password matches; spend the same time when there is no hash to check."""
    if not password or len(password) > MAX_LENGTH * 4:
        return False
    if not stored_hash:
        check_password_hash(_decoy_hash(), normalise(password))
        return False
    return check_password_hash(stored_hash, normalise(password))
