"""Logging that never records a client address or what a visitor typed.

Request lines lose the client address, the query string and any private-link token in the
path; peewee's debug query log keeps the SQL but not the values. gunicorn's access log uses
`GunicornLogger`, which applies the same path redaction.
"""

import logging
import re

from gunicorn.glogging import Logger

# Werkzeug's dev server writes '127.0.0.1 - - [date] "GET /path?query HTTP/1.1" 200 -'.
_ADDRESS = re.compile(r"^\S+ - - ")
_QUERY = re.compile(r"\?[^ \"]*")
# Paths whose last part is a secret: invitation/reset links, event change and evaluation links.
_TOKEN_PATHS = re.compile(r"(/workspace/invitation/|/events/manage/|/events/evaluate/)[^\s\"?/]+")


def redact_path(text: str) -> str:
    """Remove query strings and private-link tokens from a path or request line."""
    return _TOKEN_PATHS.sub(r"\1[token]", _QUERY.sub("", text))


class RedactRequestLine(logging.Filter):
    """Drop the client address, query string and link tokens from request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact_path(_ADDRESS.sub("", message)), ()
        return True


class WithholdQueryValues(logging.Filter):
    """Keep peewee's SQL in debug logs but drop the values, which may be what a visitor typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        # peewee logs each query as the tuple (sql, params).
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            record.msg, record.args = f"{record.msg[0]} -- values withheld", ()
        return True


# gunicorn warns "Invalid request from ip=<address>: <what was wrong, often the request line>".
_INVALID_REQUEST_FROM = re.compile(r"Invalid request from ip=.*?: ")


class GunicornLogger(Logger):
    """gunicorn's logger with private-link tokens removed from the access log, and no client
    address or query string in its warnings about malformed requests or its error reports."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            # A malformed request can leave these unset; raising here would kill the worker.
            atoms[key] = redact_path(atoms[key] or "")
        atoms["h"] = atoms["{x-forwarded-for}i"] = "-"
        return atoms

    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str):
            msg = redact_path(_INVALID_REQUEST_FROM.sub("Invalid request: ", msg))
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        # "Error handling request %s %s" gets the method and the full URI, query string included.
        super().exception(msg, *(redact_path(a) if isinstance(a, str) else a for a in args), **kwargs)


def _add_once(logger: logging.Logger, kind: type) -> None:
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def init_app(app) -> None:
    """Install the redacting filters."""
    _add_once(logging.getLogger("werkzeug"), RedactRequestLine)
    _add_once(logging.getLogger("peewee"), WithholdQueryValues)
