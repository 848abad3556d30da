"""Take in a question, feedback or join request: spam checks, screening, one transaction, a receipt."""

import datetime
import logging
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner
from peewee import IntegrityError, OperationalError

from .. import ratelimit
from ..db import writing
from . import choices, receipts
from .models import Submission, today
from .screening import Screening, screen

log = logging.getLogger(__name__)

# Why a submission was not stored (the form is shown again with a message for each).
INVALID, TOO_FAST, PERSONAL, LIMITED, BUSY = "invalid", "too-fast", "personal", "limited", "busy"
STATUS_CODES = {INVALID: 400, TOO_FAST: 400, PERSONAL: 200, LIMITED: 429, BUSY: 503}
FILL_SALT = "questions-form-started"
FILL_MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class Receipt:
    """What the receipt page shows once: the code, never stored, and what it was for."""

    code: str
    kind: str
    crisis: bool
    sent_on: datetime.date

    def to_session(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "crisis": self.crisis,
            "sent_on": self.sent_on.isoformat(),
        }

    @classmethod
    def from_session(cls, data: dict | None) -> "Receipt | None":
        try:
            return cls(
                data["code"], data["kind"], bool(data["crisis"]), datetime.date.fromisoformat(data["sent_on"])
            )
        except (TypeError, KeyError, ValueError):
            return None


@dataclass(frozen=True)
class Intake:
    """The outcome of one POST: a receipt, or the reason the form comes back."""

    receipt: Receipt | None = None
    problem: str | None = None
    screening: Screening = Screening()

    @property
    def status_code(self) -> int:
        return STATUS_CODES.get(self.problem, 200)


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=FILL_SALT)


def fill_token() -> str:
    """Return a signed note of when the form was shown, for its hidden 'started' field."""
    return _signer().sign(b"form").decode()


def filled_slowly(token: str | None) -> bool:
    """Return True when the form was shown at least MIN_FILL_SECONDS ago, by our own clock."""
    minimum = current_app.config.get("MIN_FILL_SECONDS", 3)
    if minimum <= 0:
        return True
    try:
        _value, shown_at = _signer().unsign(token or "", max_age=FILL_MAX_AGE, return_timestamp=True)
    except BadSignature:
        return False
    age = datetime.datetime.now(datetime.UTC) - shown_at
    return age.total_seconds() >= minimum


def token_is_valid(token: str | None) -> bool:
    """Return True when the token is ours and not expired (so it can be kept on a re-shown form)."""
    try:
        _signer().unsign(token or "", max_age=FILL_MAX_AGE)
    except BadSignature:
        return False
    return True


def decoy_receipt(kind: str) -> Receipt:
    """Return a receipt for a robot: it looks real, and nothing was stored."""
    return Receipt(receipts.new_code(), kind, False, today())


def submit(kind: str, fields: dict, screening: Screening) -> Receipt:
    """Store one submission in a single transaction and return its receipt (after the commit)."""
    secret = current_app.config["SECRET_KEY"]
    for attempt in range(3):
        code = receipts.new_code()
        try:
            with writing():
                Submission.create(
                    kind=kind,
                    receipt_hash=receipts.keyed_hash(code, secret),
                    flag_personal=bool(screening.personal),
                    personal_kinds=",".join(screening.personal),
                    flag_crisis=screening.crisis,
                    **fields,
                )
        except IntegrityError:
            # Two codes with the same hash are astronomically unlikely; draw again rather than fail.
            if attempt == 2:
                raise
            continue
        log.info("%s received", kind)
        return Receipt(code, kind, screening.crisis, today())
    raise AssertionError("unreachable")


def receive(kind: str, form) -> Intake:
    """Run every check on a posted form and store it if it passes."""
    if form.trap_filled():
        log.info("honeypot tripped")
        return Intake(receipt=decoy_receipt(kind))
    valid = form.validate_on_submit()
    screening = screen(*form.screened_texts())
    if not valid:
        return Intake(problem=INVALID, screening=screening)
    if not filled_slowly(form.started.data):
        return Intake(problem=TOO_FAST, screening=screening)
    wants_check = kind != choices.JOIN and not form.send_as_is_checked()
    if screening.personal and wants_check:
        return Intake(problem=PERSONAL, screening=screening)
    try:
        if not ratelimit.hit("questions-submit", current_app.config["SUBMISSIONS_PER_HOUR"], 3600):
            return Intake(problem=LIMITED, screening=screening)
        return Intake(receipt=submit(kind, form.stored_fields(), screening), screening=screening)
    except OperationalError as error:
        log.warning("submission not saved: %s", type(error).__name__)
        return Intake(problem=BUSY, screening=screening)
