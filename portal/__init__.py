"""The Albany LEAD Community Portal: create_app builds the Flask application."""

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect

from . import (
    accounts,
    assets,
    config,
    db,
    errors,
    events,
    health,
    logs,
    moderation,
    navigation,
    outcomes,
    pages,
    questions,
    ratelimit,
    retention,
    security,
)
from .cli import db_cli

babel = Babel()
compress = Compress()
csrf = CSRFProtect()

# One package per feature; each has a blueprint and its models, and may have init_app.
FEATURES = (pages, accounts, questions, events, outcomes, moderation)


def select_locale() -> str:
    """Pick the interface language (English until the Spanish edition exists)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(["en"]) or "en"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from defaults, the environment, then any overrides."""
    app = Flask(__name__, static_folder=None, template_folder=str(config.ROOT / "templates"))
    app.config.from_mapping(config.DEFAULTS)
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    app.config.update(
        {k: v for k, v in config.production_settings(app.config).items() if k not in (overrides or {})}
    )
    config.check(app.config)

    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    compress.init_app(app)
    csrf.init_app(app)
    assets.init_app(app, config.ROOT / "static")
    security.init_app(app)
    errors.init_app(app)
    logs.init_app(app)
    app.register_blueprint(health.blueprint)

    models = []
    for feature in FEATURES:
        app.register_blueprint(feature.blueprint)
        models.extend(feature.MODELS)
        if hasattr(feature, "init_app"):
            feature.init_app(app)
    app.extensions["models"] = [ratelimit.RateCounter, *models]
    app.extensions["features"] = FEATURES
    app.cli.add_command(db_cli)
    app.cli.add_command(retention.cli)

    @app.context_processor
    def site_globals():
        return {
            "site_name": app.config["SITE_NAME"],
            "menu": navigation.main_menu(),
            "is_current": navigation.is_current,
            "has_endpoint": lambda name: name in app.view_functions,
            "current_locale": lambda: str(get_locale() or "en"),
        }

    return app
