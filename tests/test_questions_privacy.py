"""Privacy guarantees: no address or browser details in the schema, nothing typed in the logs, retention."""

import datetime
import logging
import re
import threading
import urllib.parse
import urllib.request

import pytest
from peewee import DateTimeField, TimeField, TimestampField
from werkzeug.serving import make_server

from portal import db
from portal.questions import MODELS, retention, workflow
from portal.questions.intake import submit
from portal.questions.models import Submission, today
from portal.questions.screening import Screening
from tests.conftest import make_app

# A column is refused if any part of its name (split on "_") is one of these, or its whole name is
# one of the longer forms: they hold or stand for a network address or a browser's identity.
FORBIDDEN_PARTS = {
    "ip",
    "ipaddr",
    "ipaddress",
    "addr",
    "remote",
    "agent",
    "ua",
    "useragent",
    "referer",
    "referrer",
    "fingerprint",
    "forwarded",
}
FORBIDDEN_NAMES = {
    "ip_address",
    "remote_addr",
    "user_agent",
    "http_user_agent",
    "x_forwarded_for",
    "client_address",
}
# Submission tables keep calendar dates only, never a time of day.
TIME_TYPES = ("DATETIME", "TIMESTAMP", "TIME")


def forbidden(column: str) -> bool:
    name = column.lower()
    return name in FORBIDDEN_NAMES or bool(set(re.split(r"[_\W]+", name)) & FORBIDDEN_PARTS)


def test_the_rule_itself_catches_what_it_should():
    for bad in (
        "ip",
        "ip_address",
        "client_ip",
        "remote_addr",
        "user_agent",
        "ua",
        "last_ip",
        "referrer",
        "UserAgent".lower(),
    ):
        assert forbidden(bad), bad
    for fine in (
        "relationship",
        "email",
        "description",
        "zip",
        "equipment",
        "status",
        "created_on",
        "shipping",
    ):
        assert not forbidden(fine), fine


def test_no_model_anywhere_has_an_address_or_browser_column(database_url):
    app = make_app(database_url)
    for model in app.extensions["models"]:
        for column in model._meta.columns:
            assert not forbidden(column), f"{model.__name__}.{column}"


def test_database_schema_has_no_such_column_and_no_time_of_day_in_submission_tables(database_url):
    app = make_app(database_url)
    ours = {model._meta.table_name for model in MODELS}
    with app.app_context(), db.db.connection_context():
        tables = db.db.get_tables()
        assert ours <= set(tables)
        for table in tables:
            for column in db.db.get_columns(table):
                assert not forbidden(column.name), f"{table}.{column.name}"
                if table in ours:
                    assert not any(t in column.data_type.upper() for t in TIME_TYPES), (
                        f"{table}.{column.name}"
                    )


def test_submission_models_use_dates_not_timestamps():
    for model in MODELS:
        for field in model._meta.sorted_fields:
            assert not isinstance(field, DateTimeField | TimeField | TimestampField), (
                f"{model.__name__}.{field.name}"
            )


MARKER = "zebra-quartz-7d1f"
EMAIL = "marker.person@example.org"


def test_nothing_a_person_typed_reaches_the_logs(tmp_path, database_url, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app(database_url, MIN_FILL_SECONDS=0, MAIL_OUTBOX=tmp_path / "outbox")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def post(path, **data):
        body = urllib.parse.urlencode(data).encode()
        try:
            return opener.open(base + path, body, timeout=10).read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()

    try:
        common = {"topic": "other", "relationship": "resident", "neighbourhood": f"{MARKER} hill"}
        receipt_page = post("/ask", message=f"Question {MARKER}", email=EMAIL, **common)  # follows to /sent
        code = "-".join(re.findall(r'class="code-word">([a-z]+)<', receipt_page))
        assert len(code.split("-")) == 6
        post(
            "/feedback", message=f"Call {MARKER} at 518-555-0134", email=EMAIL, **common
        )  # personal-details step
        post("/feedback", message=f"Feedback {MARKER}", email="not an email " + MARKER, **common)  # invalid
        post("/ask", message=f"Spam {MARKER}", comment_extra=MARKER, **common)  # honeypot
        post("/join", name=f"Name {MARKER}", email=EMAIL, phone="518-555-0134", message=MARKER)
        assert "Received." in post("/status", code=code)
        post("/status", code=f"{MARKER} wrong code")
        opener.open(base + "/search?" + urllib.parse.urlencode({"q": MARKER})).read()
        with app.test_request_context():
            workflow.reply_privately(workflow.find(code), f"Reply {MARKER}", "sam")
        post("/status/withdraw", code=code, confirm="yes")
    finally:
        server.shutdown()
    logged = caplog.text
    assert "GET /search" in logged or "POST /ask" in logged, "the request log was not captured"
    for secret in (MARKER, EMAIL, code, "518-555-0134", "127.0.0.1"):
        assert secret not in logged, secret
    assert "honeypot tripped" in logged


def test_purge_clears_contact_details_only_after_the_retention_period(database_url):
    app = make_app(database_url)
    with app.test_request_context():

        def item(kind="question", **fields):
            return workflow.find(submit(kind, {"message": "m", "topic": "other"} | fields, Screening()).code)

        old = item(email="old@example.org")
        join = item("join", name="Jo", email="jo@example.org", phone="518-555-0101")
        recent = item(email="recent@example.org")
        still_open = item(email="open@example.org")
        for closed in (old, join, recent):
            workflow.close(closed)
        long_ago = today() - datetime.timedelta(days=91)
        Submission.update(closed_on=long_ago).where(Submission.id.in_([old.id, join.id])).execute()
        Submission.update(created_on=long_ago - datetime.timedelta(days=30)).where(
            Submission.id == still_open.id
        ).execute()

        assert retention.purge_contacts(90) == 2
        assert retention.purge_contacts(90) == 0  # safe to run again
        by_id = {s.id: s for s in Submission.select()}
        assert by_id[old.id].email is None and by_id[old.id].message == "m"
        assert (by_id[join.id].name, by_id[join.id].email, by_id[join.id].phone) == (None, None, None)
        assert by_id[recent.id].email == "recent@example.org"
        assert by_id[still_open.id].email == "open@example.org"
        # Day 90 exactly is the last day kept; the purge runs on the next.
        Submission.update(closed_on=today() - datetime.timedelta(days=90)).where(
            Submission.id == recent.id
        ).execute()
        assert retention.purge_contacts(90, on=today() - datetime.timedelta(days=1)) == 0
        assert retention.purge_contacts(90) == 1
        with pytest.raises(ValueError):
            retention.purge_contacts(-1)


def test_retention_command_runs_from_cron_and_reports_counts_only(database_url):
    app = make_app(database_url, EMAIL_RETENTION_DAYS=30)
    with app.test_request_context():
        item = workflow.find(
            submit(
                "feedback", {"message": "m", "topic": "other", "email": "cron@example.org"}, Screening()
            ).code
        )
        workflow.close(item)
        Submission.update(closed_on=today() - datetime.timedelta(days=31)).execute()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "Contact details removed from 1 item(s) finished over 30 days ago." in result.output
    assert "cron@example.org" not in result.output
    again = runner.invoke(args=["retention", "purge", "--days", "0"])
    assert again.exit_code == 0 and "removed from 0 item(s)" in again.output
    assert runner.invoke(args=["retention", "purge", "--days", "-3"]).exit_code != 0
    with app.app_context():
        assert Submission.get().email is None
