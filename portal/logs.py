"""Logging that never records a client address or what a visitor typed."""

import logging
import re

# Werkzeug's dev server writes '127.0.0.1 - - [date] "GET /path?query HTTP/1.1" 200 -'.
_ADDRESS = re.compile(r"^\S+ - - ")
_QUERY = re.compile(r"\?[^ \"]*")


class RedactRequestLine(logging.Filter):
    """Drop the client address and the query string from request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        message = _QUERY.sub("", _ADDRESS.sub("", message))
        record.msg, record.args = message, ()
        return True


def init_app(app) -> None:
    """Install the redacting filter on the request logger."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactRequestLine) for f in logger.filters):
        logger.addFilter(RedactRequestLine())
