"""Real-browser fixtures: a live portal on loopback and Playwright driving Debian's chromium."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import db
from tests.conftest import DATABASES, make_app, sqlite_url

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def chromium_path() -> str:
    """Return Debian's chromium; fail loudly (never skip) when it is missing."""
    path = shutil.which("chromium")
    if not path:
        pytest.fail("chromium is not on PATH: run `make browser-deps` (apt-get install chromium)")
    return path


@pytest.fixture(scope="session", params=DATABASES)
def live_database(request, tmp_path_factory):
    """The live portal's database: every browser test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("live-db"))
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture(scope="session")
def live_app(live_database, tmp_path_factory):
    """A demo-seeded portal with CSRF on, as a visitor would meet it."""
    folder = tmp_path_factory.mktemp("live")
    app = make_app(live_database, WTF_CSRF_ENABLED=True, MAIL_OUTBOX=folder / "outbox", MIN_FILL_SECONDS=0)
    with app.app_context(), db.db.connection_context():
        for feature in app.extensions["features"]:
            if hasattr(feature, "seed_demo"):
                feature.seed_demo()
    return app


@pytest.fixture(autouse=True)
def live_app_is_bound(live_app):
    """Point the shared database handle back at the live app's database before each test.

    The handle is process-wide; a test outside this folder that ran in between (pytest may
    reorder tests to group the database parameter) will have bound it to its own database.
    """
    db.db.initialize(live_app.extensions["database"])


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve the live app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; the CSP is bypassed only so axe-core can be injected."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh tab with a phone-sized screen."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 740}, is_mobile=True)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(tab) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA) on the tab and return its violations."""
    tab.add_script_tag(path=str(AXE))
    return tab.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )


def assert_accessible(tab) -> None:
    """Fail with a readable list when axe-core finds anything."""
    violations = axe_violations(tab)
    assert violations == [], "\n".join(f"{v['id']}: {v['help']} at {v['nodes']}" for v in violations)


def tab_until(tab, selector: str, limit: int = 60) -> int:
    """Press Tab until the element matching selector has focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        tab.keyboard.press("Tab")
        if tab.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never received keyboard focus within {limit} Tab presses")
