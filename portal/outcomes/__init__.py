"""Outcome releases: the disclosure-controlled pipeline (offline) and the public dashboard."""

from .cli import outcomes_cli
from .release_files import ReleaseError, list_releases, releases_folder
from .views import blueprint
from .workspace import workspace

MODELS: list = []


def init_app(app) -> None:
    """Read the published releases once (checksums verified); add the steward's page and `flask outcomes`."""
    try:
        app.extensions["outcomes"] = list_releases(releases_folder(app.config["CONTENT_DIR"]))
    except ReleaseError as error:
        # An altered release is never shown; the dashboard says nothing is published.
        app.logger.error("outcome releases not loaded: %s", error)
        app.extensions["outcomes"] = []
    app.register_blueprint(workspace)
    app.cli.add_command(outcomes_cli)

    @app.context_processor
    def synthetic_banner():
        found = app.extensions["outcomes"]
        return {"outcomes_synthetic": bool(found) and found[-1].synthetic}


__all__ = ["blueprint", "MODELS", "init_app"]
