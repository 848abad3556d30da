"""Shared pages are rendered once and served pre-compressed; forms and debug mode are never kept."""

from flask import render_template_string

from portal.pagecache import shared_page


def test_page_is_rendered_once_and_served_compressed(app):
    calls = []

    @app.route("/cached")
    def cached():
        return shared_page(("t",), lambda: calls.append(1) or render_template_string("<p>hello</p>"))

    client = app.test_client()
    first = client.get("/cached", headers={"Accept-Encoding": "br"})
    second = client.get("/cached", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/cached", headers={"Accept-Encoding": "identity"})
    assert calls == [1]
    assert first.headers["Content-Encoding"] == "br" and second.headers["Content-Encoding"] == "gzip"
    assert plain.data == b"<p>hello</p>"
    assert first.headers["Vary"] == "Accept-Encoding"
    assert "Content-Security-Policy" in first.headers


def test_pages_with_forms_are_never_kept(app):
    calls = []

    @app.route("/form")
    def form():
        return shared_page(("f",), lambda: calls.append(1) or '<form method="post"></form>')

    client = app.test_client()
    client.get("/form")
    client.get("/form")
    assert calls == [1, 1]


def test_debug_mode_renders_every_time(app):
    app.debug = True
    calls = []

    @app.route("/debug")
    def debug():
        return shared_page(("d",), lambda: calls.append(1) or "<p>x</p>")

    client = app.test_client()
    client.get("/debug")
    client.get("/debug")
    assert calls == [1, 1]


def test_content_pages_are_served_from_the_cache(client):
    first = client.get("/what-is-lead", headers={"Accept-Encoding": "br"})
    second = client.get("/what-is-lead", headers={"Accept-Encoding": "br"})
    assert first.data == second.data and first.headers["Content-Encoding"] == "br"
