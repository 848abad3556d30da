"""Friendly error pages: never a traceback, always a way forward."""

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .logs import redact_path


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def http_error(error: HTTPException):
    """Render any HTTP error with a plain explanation."""
    messages = {
        404: (_("Page not found"), _("We could not find that page. It may have moved.")),
        405: (_("That did not work"), _("This page cannot be used that way.")),
        413: (
            _("Too much to send"),
            _("What you sent is too large. Please shorten your message and try again."),
        ),
        429: (
            _("Please slow down"),
            _("There have been too many tries from here. Please wait a few minutes and try again."),
        ),
    }
    title, message = messages.get(
        error.code, (_("Something was not right"), _("Please go back and try again."))
    )
    return _page(error.code or 500, title, message)


def csrf_error(_error: CSRFError):
    """Explain an expired or forged form without losing the visitor."""
    return _page(
        400,
        _("This form expired"),
        _("For your safety, forms expire after a while. Please go back, reload the page and send it again."),
    )


def server_error(error):
    """Show a calm page for an unexpected failure; the details stay in the server log."""
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("unhandled error on %s", redact_path(request.path), exc_info=original)
    return _page(
        500,
        _("Something went wrong on our side"),
        _("Nothing you did caused this. Please try again in a few minutes."),
    )


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(Exception, server_error)
