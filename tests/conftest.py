"""Shared fixtures: an app on a temporary SQLite file, its client and CLI runner."""

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
