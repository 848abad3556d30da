"""Rate limits: salted-hash keys, shared counters, expiry."""

import datetime

from portal import ratelimit


def test_limit_allows_then_refuses(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        results = [ratelimit.hit("test", limit=3, per_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_clients_are_counted_separately(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        assert all(ratelimit.hit("t", 2, 60) for _ in range(2))
        assert not ratelimit.hit("t", 2, 60)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        assert ratelimit.hit("t", 2, 60)


def test_no_address_is_stored(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        ratelimit.hit("t", 2, 60)
        rows = list(ratelimit.RateCounter.select().dicts())
    assert rows and all("203.0.113" not in str(value) for row in rows for value in row.values())


def test_salt_rotates_daily(app):
    with app.app_context():
        today = ratelimit.daily_salt(datetime.date(2026, 11, 28))
        assert today == ratelimit.daily_salt(datetime.date(2026, 11, 28))
        assert today != ratelimit.daily_salt(datetime.date(2026, 11, 29))


def test_expired_counters_are_purged(app):
    with app.test_request_context():
        ratelimit.hit("t", 2, 60)
        assert ratelimit.purge_expired(now=0) == 0
        assert ratelimit.purge_expired(now=10**12) == 1
