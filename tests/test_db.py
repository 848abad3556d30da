"""The database handle on SQLite and on a real PostgreSQL server."""

import threading

import pytest
from peewee import IntegerField

from portal import db, ratelimit
from portal.db import BaseModel, writing
from tests.conftest import make_app, sqlite_url


class Counter(BaseModel):
    value = IntegerField()


def test_sqlite_pragmas_are_on(tmp_path):
    app = make_app(sqlite_url(tmp_path))
    with app.app_context():
        assert db.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_failed_write_leaves_nothing(tmp_path, database_url):
    app = make_app(database_url)
    with app.app_context():
        db.create_tables([Counter])
        with pytest.raises(RuntimeError), writing():
            Counter.create(value=1)
            raise RuntimeError("fail half way")
        assert Counter.select().count() == 0


def test_concurrent_writers_lose_nothing(tmp_path, database_url):
    app = make_app(database_url)
    with app.app_context():
        db.create_tables([Counter])

    def work():
        with app.app_context():
            for _ in range(20):
                with writing():
                    Counter.create(value=1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert Counter.select().count() == 160


def test_rate_limit_counters_are_shared_on_postgres(tmp_path, postgres_url):
    app = make_app(postgres_url)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.5"}):
        assert [ratelimit.hit("pg", 2, 60) for _ in range(3)] == [True, True, False]
