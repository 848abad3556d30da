"""The outcomes dashboard in a real browser: accessible, usable without JavaScript, charts draw."""

import threading

from tests.browser.conftest import assert_accessible, tab_until

PAGES = ("/outcomes", "/outcomes/methodology", "/outcomes/data-dictionary", "/outcomes/releases")


def test_outcome_pages_are_accessible(page, live_server, subtests):
    for path in PAGES:
        with subtests.test(path=path):
            page.goto(live_server + path)
            assert_accessible(page)


def test_charts_draw_when_scrolled_to_without_csp_errors(page, live_server):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server + "/outcomes")
    first = page.locator("[data-chart]").first
    first.scroll_into_view_if_needed()
    page.wait_for_selector("[data-chart].chart-drawn", timeout=15000)
    assert first.locator("svg.main-svg").count() >= 1
    assert first.locator("svg[aria-hidden='true']").count() >= 1
    assert_accessible(page)
    assert problems == []


def test_library_is_not_loaded_before_a_chart_is_near(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server + "/outcomes")
    page.wait_for_load_state("networkidle")
    assert not any("plotly-basic" in url for url in requested)


def test_dashboard_without_javascript_shows_every_table(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server + "/outcomes")
    assert tab.locator("table.data").count() >= 9
    assert tab.locator(".chart-drawn").count() == 0
    assert tab.get_by_text("Demo only").is_visible()
    context.close()


def test_wide_tables_can_be_scrolled_by_keyboard(page, live_server):
    page.goto(live_server + "/outcomes")
    tab_until(page, ".table-scroll", limit=80)
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"


def test_a_release_history_with_corrections_is_accessible_on_a_phone(phone, tmp_path):
    from werkzeug.serving import make_server

    from tests.conftest import make_app, sqlite_url
    from tests.test_outcomes_corrections import two_releases
    from tests.test_outcomes_dashboard import content_copy

    content = content_copy(tmp_path, with_release=False)
    two_releases(content / "outcomes" / "releases", late=12)
    server = make_server("127.0.0.1", 0, make_app(sqlite_url(tmp_path), CONTENT_DIR=content), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        phone.goto(f"http://127.0.0.1:{server.server_port}/outcomes/releases")
        assert phone.locator("caption", has_text="Corrections in release 2020Q1").count() == 1
        assert_accessible(phone)
    finally:
        server.shutdown()
