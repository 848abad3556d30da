"""Every form, every field, every hostile value: never a 5xx, never a traceback, never unescaped output.

Forms are found by crawling (public pages anonymously, /workspace as a member holding every
role) and by sending each form once with valid values to reach the pages behind it, so a new
feature's forms join the battery as soon as its pages link to them. Each hostile value goes into
one field while the others hold valid values. A form that a success uses up (an evaluation
link, a withdrawn message) is reached again by the same route, or the database is put back to
how it was before that form's turn. Afterwards every page where submissions show is crawled and
checked for markup that escaped escaping.
"""

import email
import email.policy
import itertools
import time
import traceback
from collections import Counter

import pytest

from portal import errors
from portal.accounts.models import ROLES
from portal.db import writing
from portal.events import links
from portal.events.localtime import utcnow
from portal.events.models import CONFIRMED, WAITLISTED, Event, Registration
from tests import snapshots
from tests.accounts_helpers import PASSWORD, make_member, sign_in
from tests.conftest import make_app
from tests.crawler import Site, Target, Visit, pick, receipt_code, valid_pairs
from tests.hostile import TRACEBACK, VALUES, encode, unsafe_markup

pytestmark = pytest.mark.slow

# Forms that exist today; the battery must reach every one of them (more are welcome).
EXPECTED = {
    ("questions.ask", "post"),
    ("questions.feedback", "post"),
    ("questions.join", "post"),
    ("questions.status", "post"),
    ("questions.withdraw", "post"),
    ("questions.search_page", "get"),
    ("events.register", "post"),
    ("events.manage", "post"),
    ("events.cancel", "post"),
    ("events.evaluate", "post"),
    ("accounts.sign_in", "post"),
    ("accounts.sign_out", "post"),
    ("accounts.invitation", "post"),
    ("accounts.change_password", "post"),
    ("accounts.second_factor_enrol", "post"),
    ("accounts.second_factor_confirm", "post"),
    ("accounts_admin.invite", "post"),
    ("accounts_admin.change_roles", "post"),
    ("accounts_admin.reset_link", "post"),
    ("accounts_admin.deactivate", "post"),
    ("accounts_admin.audit_page", "get"),
    ("events_workspace.new", "post"),
    ("events_workspace.edit", "post"),
    ("events_workspace.cancel", "post"),
    ("events_workspace.attendance", "post"),
    ("events_workspace.remove_from_waitlist", "post"),
}


class Battery:
    """The app under attack, fresh clients for each identity, and database snapshots."""

    def __init__(self, tmp_path, database_url: str):
        self.folder = tmp_path
        self.database_url = database_url
        self.app = make_app(
            database_url,
            WTF_CSRF_ENABLED=True,
            MIN_FILL_SECONDS=0,
            RATELIMIT_ENABLED=False,
            MAIL_OUTBOX=tmp_path / "outbox",
        )
        self.crashes: list[str] = []
        self._record_crashes()
        self.site = Site(self.app)
        self._numbers = itertools.count(1)
        self._member = None
        with self.app.app_context():
            for feature in self.app.extensions["features"]:
                if hasattr(feature, "seed_demo"):
                    feature.seed_demo()
            self.signin_member = make_member("signin-target@example.org", roles=ROLES)
            # Members made now keep their ids however often the database is put back, so a member
            # page found by the crawl stays the same person's, never the signed-in actor's own.
            self._actors = [make_member(f"actor{n:03d}@example.org", roles=ROLES) for n in range(1, 61)]
            self.evaluate_url = f"/events/evaluate/{self._evaluation_token()}"
            self._join_waitlist()
        self.codes: list[str] = []  # receipt codes shown after successful submissions
        self.private_pages: list[str] = []  # registrants' private pages reached by redirects

    def _record_crashes(self) -> None:
        """Keep the traceback of every unhandled error; the page the visitor sees stays the same."""

        def recording(error):
            self.crashes.append(traceback.format_exc())
            return errors.server_error(error)

        self.app.register_error_handler(Exception, recording)

    def _evaluation_token(self) -> str:
        """Issue an evaluation link, as the after-session email does, to a past session's new registrant."""
        past = Event.select().where(Event.ends_at < utcnow(), Event.capacity.is_null(False)).first()
        assert past is not None, "the demo data has no past session"
        with writing():
            registration = Registration.create(
                event=past,
                submission_key="battery-evaluation-key",
                business_name="Battery business",
                contact_name="Battery contact",
                email="battery@example.org",
                attendees=1,
                status=CONFIRMED,
                attended=True,
            )
            return links.issue(registration, links.EVALUATE)

    def _join_waitlist(self) -> None:
        """Put a party that does not fit on an upcoming session's waitlist, so rosters offer 'remove'."""
        # The soonest session: the organizer forms the crawl finds first edit the latest one.
        upcoming = (
            Event.select()
            .where(Event.starts_at > utcnow(), Event.capacity.is_null(False))
            .order_by(Event.starts_at)
            .first()
        )
        with writing():
            Registration.create(
                event=upcoming,
                submission_key="battery-waitlist-key",
                business_name="Battery waitlisted business",
                contact_name="Battery contact",
                email="waitlist@example.org",
                attendees=upcoming.capacity + 1,
                status=WAITLISTED,
                queued_at=utcnow(),
            )

    def client(self, identity: str):
        """Return a browser: a fresh anonymous one, or one signed in as a member holding every role.

        Signing in costs a deliberately slow password hash, so the member's browser is kept while
        its session lasts; a form that signs it out or deactivates it gets a new member next time.
        """
        member = self._member if identity == "member" else None
        if member is not None and member.get("/workspace/").status_code == 200:
            return member
        number = next(self._numbers)
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.{number // 250 % 250}.{number % 250}.7"
        while identity == "member":
            try:
                sign_in(client, self._actors.pop(0) if self._actors else self._new_actor(number))
            except AssertionError:
                continue  # an earlier form changed this member's password or deactivated it
            self._member = client
            break
        return client

    def _new_actor(self, number: int):
        with self.app.app_context():
            return make_member(f"actor{number:03d}x@example.org", roles=ROLES)

    def hints(self, target: Target | None = None) -> dict:
        """Values a form needs from the state of the site: a real receipt code, a member's password."""
        client = self.client("public")
        page = self.site.parse(self.site.fetch(client, "GET", "/ask"))
        form = self.site.forms_of(page, "questions.ask", "post")[0]
        sent = self.site.submit(client, form, valid_pairs(form, {"message": "How are people referred?"}))
        hints = {"code": receipt_code(sent.html), "password": PASSWORD}
        if target is not None and target.endpoint == "accounts.sign_in":
            hints["email"] = self.signin_member.email
        return hints

    def snapshot(self, name: str) -> str:
        return snapshots.take(self.database_url, self.folder, name)

    def restore(self, snapshot: str) -> None:
        snapshots.put_back(self.database_url, snapshot)


class UnreachableError(Exception):
    """A form cannot be reached again, even after putting the database back."""


class Attack:
    """One form under attack: reach it, send values, and reach it again when a success used it up."""

    def __init__(self, battery: Battery, target: Target):
        self.battery, self.target = battery, target
        self.hints = battery.hints(target)
        self.site = battery.site
        self.snapshot = battery.snapshot("target")
        self.client = battery.client(target.identity)
        self.renewals = self.restores = 0
        self.page_url = None
        self.load()

    def _find(self, visit: Visit | None) -> bool:
        if visit is None or visit.status >= 400 or visit.content_type != "text/html":
            return False
        forms = self.site.forms_of(self.site.parse(visit), self.target.endpoint, self.target.method)
        if forms:
            self.form = pick(forms, self.target.form.action, self.target.index, key=lambda f: f.action)
            self.page_url = visit.url
        return bool(forms)

    def load(self) -> None:
        """Open the form's page again (fresh values, token and key); restore the database if it is gone."""
        # The page the form was last on is usually enough; otherwise go the whole way there again.
        if self.page_url and self._find(self.site.fetch(self.client, "GET", self.page_url)):
            return
        for attempt in range(3):
            if self.site.visit(self.client, self.target.origin, self.hints, self._find):
                return
            if attempt == 1:
                self.battery.restore(self.snapshot)
                self.restores += 1
            self.client = self.battery.client(self.target.identity)
        raise UnreachableError(f"{self.target.method.upper()} {self.target.endpoint}")

    def send(self, name: str | None = None, value=None) -> Visit:
        """Send the form with `value` in field `name` and valid values elsewhere (all valid if no name)."""
        pairs = valid_pairs(self.form, self.hints)
        return self.site.fetch(self.client, self.form.method, self.form.action, encode(pairs, name, value))

    def after(self, visit: Visit) -> None:
        """Keep what a success showed, then find the form again if the request changed something."""
        if len(visit.statuses) == 1:
            return  # not redirected: nothing was done, the form and its values still stand
        code = receipt_code(visit.html)
        if code:
            self.battery.codes.append(code)
        if visit.url.startswith("/events/manage/"):
            self.battery.private_pages.append(visit.url)
        self.renewals += 1
        # Redirected back to the form's own page: that page is the fresh copy (one parse, no request).
        if visit.url != self.page_url or not self._find(visit):
            self.load()


SLOW_SECONDS = 2.0


def problems_in(visit: Visit, quick: bool = False) -> list[str]:
    """Return what is wrong with a response: a server error, a traceback, unescaped markup, slowness."""
    found = [f"status {visit.statuses}"] if any(status >= 500 for status in visit.statuses) else []
    if TRACEBACK.search(visit.html):
        found.append("a traceback in the body")
    if visit.content_type == "text/html":
        found += unsafe_markup(visit.html, quick)
    if visit.seconds > SLOW_SECONDS:
        found.append(f"took {visit.seconds:.1f} s (one request must not tie up a worker)")
    return found


def discover(battery: Battery) -> list[Target]:
    """Crawl as a visitor and as a member; return every form found, public ones first.

    Sending each form once changes the site (an evaluation is used, a message withdrawn), so the
    database is put back afterwards; the battery reaches each form again by the recorded route.
    """
    before = battery.snapshot("before-discovery")
    hints = battery.hints()
    site = battery.site
    starts = ["/", "/workspace/sign-in", battery.evaluate_url]
    for _ in site.crawl(battery.client, "public", starts, hints, per_endpoint=12):
        pass
    for _ in site.crawl(battery.client, "member", ["/workspace/"], hints, "/workspace", per_endpoint=12):
        pass
    battery.restore(before)
    return sorted(site.targets.values(), key=lambda t: (t.identity != "public", t.endpoint))


ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"  # how SCRIPT must look once shown


class Display:
    """Where submissions show: crawled after the battery (and before any reset of the database)."""

    def __init__(self):
        self.problems: list[str] = []
        self.pages = self.escaped = 0

    def check(self, battery: Battery) -> None:
        site, hints = battery.site, {"password": PASSWORD}
        visits = []
        for identity, start, within in (("public", "/", "/"), ("member", "/workspace/", "/workspace")):
            crawl = site.crawl(battery.client, identity, [start], hints, within, 25, 600, explore=False)
            visits += [visit for _origin, visit in crawl]
        client = battery.client("public")
        visits += [site.fetch(client, "GET", url) for url in battery.private_pages[-30:]]
        form = site.forms_of(site.parse(site.fetch(client, "GET", "/status")), "questions.status", "post")[0]
        visits += [site.submit(client, form, valid_pairs(form, {"code": c})) for c in battery.codes[-60:]]
        for visit in visits:
            self.pages += 1
            self.escaped += ESCAPED_SCRIPT in visit.html
            self.problems += [f"{visit.url}: {problem}" for problem in problems_in(visit)]


def outbox_problems(folder) -> list[str]:
    """Return any email whose headers were bent by what a visitor typed."""
    found = []
    for path in sorted((folder / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        extra = {name.lower() for name in message} - {
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "content-type",
            "content-transfer-encoding",
            "mime-version",
        }
        if extra or len(message.get_all("To", [])) != 1 or "," in str(message["To"]):
            found.append(f"{path.name}: headers {sorted(message.keys())}, To {message['To']!r}")
    return found


def test_every_form_survives_every_hostile_value(tmp_path, database_url):
    assert len(VALUES) >= 30
    started = time.monotonic()
    battery = Battery(tmp_path, database_url)
    targets = discover(battery)
    found_keys = {t.key for t in targets}
    assert found_keys >= EXPECTED, f"forms the crawl did not reach: {sorted(EXPECTED - found_keys)}"
    pristine = battery.snapshot("pristine")
    discovered = time.monotonic() - started

    problems: list[str] = []
    display = Display()
    statuses: Counter = Counter()
    sent = fields = restarts = restores = 0
    csrf_attacked = False
    for target in targets:
        try:
            attack = Attack(battery, target)
        except UnreachableError:
            # An earlier form used up what this one needs: check what is shown so far, start afresh.
            display.check(battery)
            battery.restore(pristine)
            restarts += 1
            attack = Attack(battery, target)
        baseline = attack.send()
        sent += 1
        problems += [f"valid POST {attack.form.action}: {problem}" for problem in problems_in(baseline)]
        attack.after(baseline)
        for name in attack.form.names():
            if name.endswith("csrf_token"):
                # One check guards every form (Flask-WTF's), so its token field is attacked once.
                if csrf_attacked:
                    continue
                csrf_attacked = True
            fields += 1
            for value in VALUES:
                visit = attack.send(name, value)
                sent += 1
                statuses[visit.statuses[0]] += 1
                where = f"{target.method.upper()} {attack.form.action} [{target.endpoint}] field {name!r}"
                problems += [f"{where}, value {value.label!r}: {p}" for p in problems_in(visit, quick=True)]
                attack.after(visit)
        restores += attack.restores
    attacked = time.monotonic() - started - discovered

    display.check(battery)
    problems += [f"shown afterwards: {problem}" for problem in display.problems]
    problems += [f"email: {problem}" for problem in outbox_problems(tmp_path)]
    elapsed = time.monotonic() - started
    print(
        f"\nhostile battery: {len(targets)} forms, {fields} fields x {len(VALUES)} values (+1 valid send"
        f" per form) = {sent} requests in {attacked:.1f} s (discovery {discovered:.1f} s);"
        f" statuses {dict(sorted(statuses.items()))}; database put back {restores} times for a form used"
        f" up, {restarts} times to the start; {display.pages} pages checked afterwards,"
        f" {display.escaped} showing escaped payloads; total {elapsed:.1f} s"
    )
    crashes = "\n".join(battery.crashes[:3])
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:40]) + f"\n{crashes}"
    assert battery.crashes == []
    # The check above is only worth something if hostile text really was stored and shown.
    assert display.escaped > 0, "no page showed an escaped payload: the display check saw no submissions"
