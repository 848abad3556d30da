"""Security headers on every response, and no-store caching for private pages."""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


HSTS = "max-age=63072000; includeSubDomains"


def carries_private_form(response) -> bool:
    """Tell whether an HTML page holds a POST form (its token and any typed text must not be cached)."""
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return False
    if "Content-Encoding" in response.headers:  # pre-compressed shared pages never hold forms
        return False
    return b'method="post"' in response.get_data()


def add_headers(response):
    """Add the security headers; pages with forms and answers to POSTs are never cached."""
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in HEADERS.items() if name.lower() not in present])
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.method == "POST" or carries_private_form(response):
        response.headers["Cache-Control"] = "no-store"
    elif response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


def no_store(response):
    """Mark a response as never to be stored by any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    """Attach the headers to every response and trust proxy headers only when configured."""
    app.after_request(add_headers)
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
