"""Shared fixtures: an app on SQLite and on PostgreSQL, its client and CLI runner.

Every test that takes `database_url` (directly or through `app`, `csrf_app`, `mail_app`...) runs
twice, once on a temporary SQLite file and once on a fresh database in a throwaway PostgreSQL
cluster, so the whole suite proves both.
"""

import socket

import pytest

from portal import create_app, db

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """Hash test passwords with cheap scrypt parameters: sign-ins are in hundreds of tests."""
    from portal.accounts import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "METHOD", "scrypt:1024:8:1")
        yield


def pytest_collection_modifyitems(items):
    """Run the slow tests first, so `make test`'s two workers finish them together, not one after."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def make_app(database_url: str, **overrides):
    """Build a test app on the given database, with every model's table created."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    app = create_app(settings)
    db.create_tables(app.extensions["models"])
    return app


@pytest.fixture
def app(database_url):
    return make_app(database_url)


@pytest.fixture
def csrf_app(database_url):
    """An app with CSRF protection on, as in production."""
    return make_app(database_url, WTF_CSRF_ENABLED=True)


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
def mail_app(database_url, smtp_server):
    """An app that sends mail through the local SMTP server."""
    return make_app(database_url, MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=smtp_server.port)


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
def postgres_url(postgres_cluster):
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)


def sqlite_url(folder) -> str:
    """Return the URL of a SQLite file in folder."""
    return f"sqlite:///{folder / 'test.sqlite3'}"


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """An empty database: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("postgres_url")
