"""Logs never hold a client address, a query string, a link token or a typed value."""

import logging

from portal.logs import RedactRequestLine, WithholdQueryValues, redact_path


def _record(msg, args):
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)


def test_request_line_loses_address_query_and_tokens():
    record = _record(
        '%s - - [date] "%s" %s',
        ("203.0.113.9", "GET /events/manage/AbC-12_x?email=a@b.org HTTP/1.1", 200),
    )
    RedactRequestLine().filter(record)
    message = record.getMessage()
    assert "203.0.113.9" not in message
    assert "AbC-12_x" not in message and "a@b.org" not in message
    assert "/events/manage/[token]" in message


def test_every_private_link_kind_is_redacted():
    for path in ("/workspace/invitation/Zq1", "/events/manage/Zq2", "/events/evaluate/Zq3"):
        assert "Zq" not in redact_path(f"GET {path} HTTP/1.1")


def test_query_values_are_withheld_from_peewee_debug_log():
    record = logging.LogRecord(
        "peewee", logging.DEBUG, __file__, 1, ('INSERT INTO "x" VALUES (?)', ["secret text"]), (), None
    )
    WithholdQueryValues().filter(record)
    assert "secret text" not in record.getMessage()
    assert "INSERT INTO" in record.getMessage()


def test_filters_are_installed(app):
    assert any(isinstance(f, RedactRequestLine) for f in logging.getLogger("werkzeug").filters)
    assert any(isinstance(f, WithholdQueryValues) for f in logging.getLogger("peewee").filters)
