"""Shared fixtures: an app on a temporary SQLite file, its client and CLI runner."""

import socket

import pytest

from portal import create_app, db


def make_app(tmp_path, **overrides):
    """Build a test app whose database lives in tmp_path."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    app = create_app(settings)
    db.create_tables(app.extensions["models"])
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on, as in production."""
    return make_app(tmp_path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def mail_app(tmp_path, smtp_server):
    """An app that sends mail through the local SMTP server."""
    return make_app(tmp_path, MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=smtp_server.port)


@pytest.fixture(scope="session")
def postgres_cluster():
    """A real PostgreSQL server for the session; fails (never skips) when it is not installed."""
    from tests.postgres import Cluster, find_bin

    if not find_bin("initdb"):
        pytest.fail("PostgreSQL is not installed: run `make test` (it installs postgresql with apt)")
    cluster = Cluster(free_port())
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster, request):
    """A fresh, empty PostgreSQL database for one test."""
    name = "t_" + "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:50]
    return postgres_cluster.create_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Run a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return request.getfixturevalue("postgres_url")
