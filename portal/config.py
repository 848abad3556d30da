"""Default settings; the app factory overlays the environment and any mapping a test passes."""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The placeholder is fine for `make run`; production refuses to start with it.
PLACEHOLDER_SECRET = "dev-only-not-secret"  # noqa: S105 (a known placeholder, refused in production)

DEFAULTS: dict = {
    "ENV": "development",
    "SECRET_KEY": PLACEHOLDER_SECRET,
    "DATABASE_URL": f"sqlite:///{ROOT / 'instance' / 'portal.sqlite3'}",
    "CONTENT_DIR": ROOT / "content",
    "SITE_NAME": "Albany LEAD Community Leadership Team",
    "SITE_URL": "http://127.0.0.1:5000",
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "America/New_York",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    # A 20 MB body must get a clean 413; nothing legitimate here is larger than this.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    "WTF_CSRF_TIME_LIMIT": 4 * 60 * 60,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "text/calendar",
        "application/javascript",
        "application/json",
        "application/atom+xml",
        "image/svg+xml",
    ],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
    "SEND_FILE_MAX_AGE_DEFAULT": 0,
    # How many reverse proxies in front of the app to trust for X-Forwarded-* (0: none).
    "PROXY_COUNT": 0,
    # Mail: "outbox" writes .eml files to MAIL_OUTBOX (offline default); "smtp" sends for real.
    "MAIL_BACKEND": "outbox",
    "MAIL_OUTBOX": ROOT / "instance" / "outbox",
    "MAIL_HOST": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "Albany LEAD CLT <no-reply@lead-clt.invalid>",
    # Days after an item closes before any email address given with it is deleted.
    "EMAIL_RETENTION_DAYS": 90,
    # Questions and feedback: spam and guessing limits (per client = per daily-salted hash).
    "MIN_FILL_SECONDS": 3,  # a form sent faster than this is asked to be checked and sent again
    "SUBMISSIONS_PER_HOUR": 10,  # per client, across the three forms
    "STATUS_TRIES_PER_CLIENT": 10,  # receipt-code tries per client per 10 minutes
    "STATUS_TRIES_OVERALL": 300,  # receipt-code tries from everyone per 10 minutes
    # The CLT workspace.
    "WORKSPACE_IDLE_MINUTES": 30,  # a session unused this long ends
    "WORKSPACE_SESSION_HOURS": 12,  # and every session ends after this long
    "WORKSPACE_LINK_HOURS": 72,  # invitation and reset links expire
    "SIGN_IN_ACCOUNT_LIMIT": 5,  # failed sign-ins per account per 15 minutes
    "SIGN_IN_CLIENT_LIMIT": 20,  # failed sign-ins per client per 15 minutes
}

# Environment variables the factory reads once; names match the config keys.
FROM_ENV = (
    "ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "CONTENT_DIR",
    "SITE_URL",
    "MAIL_BACKEND",
    "MAIL_HOST",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "REDIS_URL",
    "PROXY_COUNT",
)
INTEGER_SETTINGS = ("MAIL_PORT", "PROXY_COUNT")


def _parse(value: str):
    """Read '30', 'true' or '[1, 2]' as JSON and anything else as text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ=os.environ) -> dict:
    """Return the settings that the environment overrides.

    The common settings have their own names (SECRET_KEY, DATABASE_URL, ...); any other
    setting can be given as PORTAL_<NAME>, e.g. PORTAL_EMAIL_RETENTION_DAYS=30.
    """
    found = {key: environ[key] for key in FROM_ENV if environ.get(key)}
    for name, value in environ.items():
        if name.startswith("PORTAL_") and len(name) > len("PORTAL_"):
            found[name.removeprefix("PORTAL_")] = _parse(value)
    for key in INTEGER_SETTINGS:
        if key in found:
            found[key] = int(found[key])
    if "CONTENT_DIR" in found:
        found["CONTENT_DIR"] = Path(found["CONTENT_DIR"])
    return found


class ConfigError(RuntimeError):
    """The settings cannot run the portal safely."""


def production_settings(config) -> dict:
    """Return the cookie and proxy settings production needs on top of the defaults."""
    if config["ENV"] != "production":
        return {}
    # __Host- cookies must be Secure, host-only and path=/: no subdomain can set or read them.
    return {
        "SESSION_COOKIE_NAME": "__Host-session",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "PREFERRED_URL_SCHEME": "https",
    }


def check(config) -> None:
    """Refuse settings that are unsafe for production."""
    if config["ENV"] == "production":
        key = config.get("SECRET_KEY") or ""
        if key == PLACEHOLDER_SECRET or len(key) < 32:
            raise ConfigError(
                "SECRET_KEY is missing or a placeholder. In production set SECRET_KEY to a long "
                "random value, for example: "
                "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
