"""Outcome releases: the disclosure-controlled pipeline (offline) and the public dashboard."""

from pathlib import Path

from .cli import outcomes_cli
from .release_files import ReleaseError, list_releases
from .views import blueprint

MODELS: list = []


def releases_dir(app) -> Path:
    """Return the folder releases are published into."""
    return Path(app.config["CONTENT_DIR"]) / "outcomes" / "releases"


def init_app(app) -> None:
    """Read the published releases once (checksums verified) and add `flask outcomes`."""
    try:
        app.extensions["outcomes"] = list_releases(releases_dir(app))
    except ReleaseError as error:
        # An altered release is never shown; the dashboard says nothing is published.
        app.logger.error("outcome releases not loaded: %s", error)
        app.extensions["outcomes"] = []
    app.cli.add_command(outcomes_cli)

    @app.context_processor
    def synthetic_banner():
        found = app.extensions["outcomes"]
        return {"outcomes_synthetic": bool(found) and found[-1].synthetic}


__all__ = ["blueprint", "MODELS", "init_app"]
