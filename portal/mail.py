"""Send email: through SMTP in production, into instance/outbox/ by default so `make run` works offline."""

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def build(to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text message from the portal."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="lead-clt.invalid")
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str) -> bool:
    """Send one message; return False (and log without the address) if it could not be sent.

    Call this only after the database write it reports on has committed: a mail failure
    must never undo or block what the person already did.
    """
    message = build(to, subject, body)
    try:
        if current_app.config["MAIL_BACKEND"] == "smtp":
            _send_smtp(message)
        else:
            _write_outbox(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail not sent (%s): %s", subject, type(error).__name__)
        return False
    return True


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_HOST"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage) -> None:
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
    log.info("mail written to the outbox folder: %s", message["Subject"])
