"""Registrations racing for the last seats never overbook, on SQLite and on PostgreSQL.

`database_url` (tests/conftest.py) runs each test once per database.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.events.models import CONFIRMED, WAITLISTED, Registration
from tests.test_events_support import events_app, form_data, make_event

pytestmark = pytest.mark.slow


def _race(app, event_id: int, forms: list[dict]) -> tuple[list[int], float]:
    """Post every form at once from its own thread and client; return the status codes and seconds taken."""
    barrier = threading.Barrier(len(forms))

    def post(data):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/events/{event_id}/register", data=data).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        codes = list(pool.map(post, forms))
    return codes, time.perf_counter() - started


@pytest.fixture
def slow_seat_count(monkeypatch):
    """Widen the gap between reading the free seats and booking them, so a missing lock shows."""
    count = Registration.seats_taken.__func__

    def slowly(cls, event_id):
        seats = count(cls, event_id)
        time.sleep(0.005)
        return seats

    monkeypatch.setattr(Registration, "seats_taken", classmethod(slowly))


def test_100_registrations_for_20_seats_confirm_exactly_20(tmp_path, database_url, slow_seat_count):
    app = events_app(tmp_path, database_url)
    with app.app_context():
        event = make_event(capacity=20)
    codes, seconds = _race(app, event.id, [form_data(n) for n in range(100)])
    with app.app_context():
        confirmed = Registration.select().where(Registration.status == CONFIRMED).count()
        waitlisted = Registration.select().where(Registration.status == WAITLISTED).count()
        seats = Registration.seats_taken(event.id)
    print(f"\n{database_url.split(':')[0]}: {confirmed} confirmed, {waitlisted} waitlisted in {seconds:.2f}s")
    assert codes == [302] * 100
    assert (confirmed, waitlisted, seats) == (20, 80, 20)


def test_mixed_party_sizes_never_overbook_and_no_waiting_party_fits(tmp_path, database_url, slow_seat_count):
    app = events_app(tmp_path, database_url)
    with app.app_context():
        event = make_event(capacity=20)
    sizes = random.Random(7).choices([1, 2, 3, 4], k=40)
    codes, _seconds = _race(app, event.id, [form_data(n, attendees=size) for n, size in enumerate(sizes)])
    assert codes == [302] * 40
    with app.app_context():
        seats = Registration.seats_taken(event.id)
        smallest_waiting = min(r.attendees for r in Registration.waitlist(event.id))
    assert seats <= 20
    # First that fits: anything still waiting is bigger than the seats left.
    assert smallest_waiting > 20 - seats


def test_the_same_form_racing_itself_books_once(tmp_path, database_url):
    app = events_app(tmp_path, database_url)
    with app.app_context():
        event = make_event(capacity=20)
    data = form_data(1, attendees=3)
    codes, _seconds = _race(app, event.id, [data] * 10)
    assert set(codes) <= {200, 302}
    with app.app_context():
        assert Registration.select().count() == 1
        assert Registration.seats_taken(event.id) == 3


def test_racing_cancellations_promote_each_waiting_registration_once(tmp_path, database_url):
    app = events_app(tmp_path, database_url)
    with app.app_context():
        event = make_event(capacity=10)
    client = app.test_client()
    tokens = []
    for n in range(10):
        response = client.post(f"/events/{event.id}/register", data=form_data(n))
        tokens.append(response.headers["Location"].rsplit("/", 1)[1])
    for n in range(10, 25):
        client.post(f"/events/{event.id}/register", data=form_data(n))
    barrier = threading.Barrier(10)

    def cancel(token):
        own = app.test_client()
        barrier.wait()
        return own.post(f"/events/manage/{token}/cancel").status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert set(pool.map(cancel, tokens)) == {302}
    with app.app_context():
        assert Registration.seats_taken(event.id) == 10
        promoted = [r.business_name for r in Registration.select().where(Registration.status == CONFIRMED)]
        assert sorted(promoted, key=lambda name: int(name.split()[1])) == [
            f"Business {n}" for n in range(10, 20)
        ]
        assert Registration.waitlist(event.id).count() == 5
