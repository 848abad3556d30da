"""Optional second factor: time-based one-time codes (TOTP, RFC 6238) from an authenticator app."""

import hmac
import re
import time

import pyotp

ISSUER = "Albany LEAD CLT"
STEP = 30
_CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """Return a fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """Return the otpauth:// address an authenticator app can read."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """Return the secret in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean(code: str) -> str:
    """Return the code without spaces or dashes a person may type."""
    return re.sub(r"[\s-]", "", code or "")


def matching_step(secret: str, code: str, after_step: int = 0, now: float | None = None) -> int | None:
    """Return the time step the code is valid for (allowing one step of clock drift), or None.

    Steps at or before `after_step` are refused, so an accepted code cannot be replayed.
    """
    code = clean(code)
    if not secret or not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now) // STEP
    for step in (current, current - 1, current + 1):
        if step > after_step and hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None
