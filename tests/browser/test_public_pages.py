"""Every public page in a real browser: axe-core on desktop and phone, keyboard-only use, no-JS menu."""

import pytest

from tests.browser.conftest import assert_accessible, tab_until

PHONE_VIEWPORT = {"width": 375, "height": 740}
MENU_LINKS = ".site-header nav a"
MAX_TAB_STOPS = 200

# Runs in the page: describe the focused element and whether a person can see that it has focus.
FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const href = el.getAttribute('href');
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
        href: href,
        inMenu: !!el.closest('.site-header nav'),
        name: el.tagName.toLowerCase() + (href ? `[href="${href}"]` : '')
            + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
        indicator: outline || style.boxShadow !== 'none',
        outline: `${style.outlineStyle} ${style.outlineWidth}`,
        boxShadow: style.boxShadow,
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
            && box.right > 0 && box.left < innerWidth,
    };
}"""


def content_pages(live_app) -> list:
    """Return every page in the live app's library, so new content files are covered automatically."""
    library = live_app.extensions["pages"]
    assert library.problems == [], f"content problems leave pages out of this test: {library.problems}"
    assert library.pages, "the page library is empty: nothing would be tested"
    return sorted(library.pages.values(), key=lambda item: item.path)


def menu_pages(live_app) -> list:
    """Return the links of the main menu (content pages and features), in menu order, then the CTA."""
    from portal.navigation import MenuItem, main_menu

    with live_app.test_request_context():
        menu = main_menu()
    assert menu, "the main menu is empty: nothing would be tested"
    return [*menu, MenuItem(999, "/ask", "Ask the CLT")]


def tab_stops(tab) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page; return each stop's focus state."""
    stops = []
    for _ in range(MAX_TAB_STOPS):
        tab.keyboard.press("Tab")
        state = tab.evaluate(FOCUS_STATE)
        if state is None or (stops and state["name"] == stops[0]["name"]):
            return stops
        stops.append(state)
    raise AssertionError(f"focus never left the page after {MAX_TAB_STOPS} Tab presses (keyboard trap?)")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_content_page_has_no_axe_violations(request, viewport, live_app, live_server, subtests):
    tab = request.getfixturevalue("page" if viewport == "desktop" else "phone")
    for item in content_pages(live_app):
        with subtests.test(path=item.path):
            response = tab.goto(live_server + item.path)
            assert response.status == 200
            assert_accessible(tab)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_not_found_page_is_accessible(request, viewport, live_server):
    tab = request.getfixturevalue("page" if viewport == "desktop" else "phone")
    response = tab.goto(live_server + "/no-such-page")
    assert response.status == 404
    assert tab.locator("h1").inner_text() == "Page not found"
    assert_accessible(tab)
    tab_until(tab, 'main a[href="/"]')
    tab.keyboard.press("Enter")
    tab.wait_for_url(live_server + "/", timeout=5000)


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, live_app, live_server, subtests):
    for item in content_pages(live_app):
        with subtests.test(path=item.path):
            page.goto(live_server + item.path)
            assert tab_until(page, "a.skip-link", limit=1) == 1
            assert page.evaluate(FOCUS_STATE)["onScreen"], "the focused skip link is off screen"
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"


def test_menu_links_are_reached_in_order_by_tab(page, live_app, live_server):
    page.goto(live_server + "/")
    expected = [item.path for item in menu_pages(live_app)]
    stops = tab_stops(page)
    positions = [index for index, stop in enumerate(stops) if stop["inMenu"]]
    assert [stops[index]["href"] for index in positions] == expected
    assert positions == list(range(positions[0], positions[0] + len(expected))), (
        "menu links are not consecutive"
    )
    assert stops[0]["href"] == "#main", "the skip link must come before the menu"


def test_enter_follows_each_menu_link(page, live_app, live_server, subtests):
    for item in menu_pages(live_app):
        with subtests.test(path=item.path):
            page.goto(live_server + "/")
            tab_until(page, f'.site-header nav a[href="{item.path}"]')
            page.keyboard.press("Enter")
            page.wait_for_url(live_server + item.path, timeout=5000)
            assert page.locator("h1").count() == 1
            assert (
                page.locator(f'.site-header nav a[href="{item.path}"]').get_attribute("aria-current")
                == "page"
            )


def test_focus_is_always_visible(page, live_app, live_server, subtests):
    for path in [item.path for item in content_pages(live_app)] + ["/no-such-page"]:
        with subtests.test(path=path):
            page.goto(live_server + path)
            stops = tab_stops(page)
            assert len(stops) > len(menu_pages(live_app)), f"only {len(stops)} tab stops on {path}"
            hidden = [
                f"{stop['name']} (outline {stop['outline']})" for stop in stops if not stop["indicator"]
            ]
            assert hidden == [], f"focus indicator missing (outline and box-shadow are none) on {hidden}"
            offscreen = [stop["name"] for stop in stops if not stop["onScreen"]]
            assert offscreen == [], f"focused elements off screen: {offscreen}"


@pytest.fixture
def phone_without_js(browser):
    """A phone-sized tab with JavaScript switched off."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, java_script_enabled=False)
    yield context.new_page()
    context.close()


def menu_hrefs(tab, live_app) -> list[str]:
    """Return every link in the main menu as the page shows it (content pages and any feature's extras)."""
    hrefs = tab.locator(MENU_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    missing = {item.path for item in menu_pages(live_app)} - set(hrefs)
    assert not missing, f"menu pages missing from the menu: {missing}"
    return hrefs


def test_phone_menu_works_without_javascript(phone_without_js, live_app, live_server, subtests):
    tab = phone_without_js
    tab.goto(live_server + "/")
    titles = {item.path: item.title for item in content_pages(live_app)}
    for href in menu_hrefs(tab, live_app):
        with subtests.test(path=href):
            tab.goto(live_server + "/")
            link = tab.locator(f'{MENU_LINKS}[href="{href}"]')
            assert link.is_visible(), f"menu link {href} is hidden on a phone without JavaScript"
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_VIEWPORT["width"], f"{href} is cut off"
            assert box["height"] >= 24, f"menu link {href} is a {box['height']}px tap target (under 24px)"
            link.click()
            tab.wait_for_url(live_server + href, timeout=5000)
            if href in titles:
                assert tab.locator("h1").inner_text() == titles[href]
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{href} scrolls sideways by {overflow}px on a phone"
