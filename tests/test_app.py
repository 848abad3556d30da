"""The app factory, configuration and cross-cutting behaviour."""

import pytest

from portal import config, create_app


def test_production_refuses_placeholder_secret():
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": config.PLACEHOLDER_SECRET})


def test_production_refuses_short_secret():
    with pytest.raises(config.ConfigError, match="export SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": "short"})


def test_production_starts_with_real_secret(tmp_path):
    app = create_app(
        {"ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    )
    assert app.config["ENV"] == "production"


def test_environment_overrides_defaults():
    found = config.from_environment(
        {"DATABASE_URL": "postgresql://u@h/db", "CONTENT_DIR": "/x", "OTHER": "1"}
    )
    assert found["DATABASE_URL"] == "postgresql://u@h/db"
    assert str(found["CONTENT_DIR"]) == "/x"
    assert "OTHER" not in found


def test_bad_database_url_is_explained():
    with pytest.raises(ValueError, match="DATABASE_URL must start with"):
        create_app({"DATABASE_URL": "mysql://nope"})


def test_content_page_opens_no_database_connection(client):
    from portal.db import db

    assert client.get("/what-is-lead").status_code == 200
    assert db.is_closed()


def test_security_headers_on_every_response(client):
    for url in ("/", "/what-is-lead", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in (
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "default-src 'self'",
        ):
            assert directive in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Server" not in headers or "/" not in headers["Server"]


def test_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


def test_friendly_500(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"secret internals" not in response.data


def test_expired_form_page(csrf_app):
    @csrf_app.route("/form", methods=["POST"])
    def form():
        return "accepted"

    response = csrf_app.test_client().post("/form", data={"x": "1"})
    assert response.status_code == 400
    assert b"This form expired" in response.data


def test_huge_body_gets_413(app):
    @app.route("/upload", methods=["POST"])
    def upload():
        from flask import request

        return str(len(request.form))

    body = "message=" + "x" * (20 * 1024 * 1024)
    response = app.test_client().post("/upload", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert b"too large" in response.data


def test_html_is_compressed_when_asked(client):
    response = client.get("/what-is-lead", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers.get("Content-Encoding") in {"br", "gzip"}


def test_health_says_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok\n"
    assert response.headers["Cache-Control"] == "no-store"


def test_health_reports_unreachable_database(database_url):
    from tests.conftest import make_app

    app = make_app(database_url)
    app.config["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    from portal import db

    db.init_app(app)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert b"127.0.0.1" not in response.data and b"nobody" not in response.data


def test_production_cookie_is_host_prefixed_and_secure(tmp_path):
    app = create_app(
        {"ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    )
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_proxy_headers_ignored_unless_configured(database_url):
    from flask import request

    from tests.conftest import make_app

    for count, expected in ((0, "127.0.0.1"), (1, "198.51.100.4")):
        app = make_app(database_url, PROXY_COUNT=count)

        @app.route("/who")
        def who():
            return request.remote_addr

        response = app.test_client().get("/who", headers={"X-Forwarded-For": "198.51.100.4"})
        assert response.data.decode() == expected


def test_pages_with_post_forms_are_not_stored(app):
    @app.route("/form-page")
    def form_page():
        return '<form method="post"><button>Send</button></form>'

    assert app.test_client().get("/form-page").headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/what-is-lead").headers["Cache-Control"] == "no-cache"


def test_any_setting_can_come_from_a_portal_variable():
    found = config.from_environment({"PORTAL_EMAIL_RETENTION_DAYS": "30", "PORTAL_ENV": "production"})
    assert found["EMAIL_RETENTION_DAYS"] == 30
    assert found["ENV"] == "production"
