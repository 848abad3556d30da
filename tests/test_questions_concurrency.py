"""Two hundred people sending at once: every submission is stored, every receipt code differs."""

import re
import threading
import time
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal.questions import receipts
from portal.questions.models import Submission
from tests.conftest import make_app

PEOPLE = 200


@pytest.mark.slow
def test_two_hundred_concurrent_submissions_lose_none(database_url):
    # Rate limits stay on (their counters are written under the same load), set high enough for one client.
    app = make_app(database_url, MIN_FILL_SECONDS=0, SUBMISSIONS_PER_HOUR=PEOPLE * 2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.socket.listen(PEOPLE)  # a backlog for everyone arriving at once
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"
    start = threading.Barrier(PEOPLE)
    codes: dict[int, str] = {}
    failures: list[str] = []

    def person(number: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        url = base + ("/ask", "/feedback")[number % 2]
        body = urllib.parse.urlencode({"message": f"Message number {number}", "topic": "other"}).encode()
        try:
            start.wait(timeout=60)
            page = opener.open(url, body, timeout=60).read().decode()  # follows the redirect to /sent
            code = "-".join(re.findall(r'class="code-word">([a-z]+)<', page))
            if len(code.split("-")) != 6:
                failures.append(f"{number}: no receipt code")
            codes[number] = code
        except Exception as error:  # collected and reported below
            failures.append(f"{number}: {error!r}")

    began = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - began
    server.shutdown()

    assert failures == []
    assert len(codes) == PEOPLE and len(set(codes.values())) == PEOPLE
    with app.app_context():
        stored = {s.message: s.receipt_hash for s in Submission.select()}
        secret = app.config["SECRET_KEY"]
        assert len(stored) == PEOPLE
        for number, code in codes.items():
            assert stored[f"Message number {number}"] == receipts.keyed_hash(code, secret)
    print(f"\n{PEOPLE} concurrent submissions stored in {elapsed:.2f} s")
