"""Program-information pages rendered from content/pages."""

import click
from flask import current_app
from flask.cli import AppGroup

from .content import PageLibrary
from .views import blueprint

MODELS: list = []

cli = AppGroup("content", help="Check the Markdown content.")


@cli.command("check")
def check_command():
    """Parse every content page and list every problem."""
    library = PageLibrary(current_app.config["CONTENT_DIR"] / "pages")
    for problem in library.problems:
        click.echo(f"error: {problem}", err=True)
    if library.problems:
        raise SystemExit(1)
    click.echo(f"{len(library.pages)} pages OK")


def init_app(app) -> None:
    """Load the pages once and report any bad file at start-up."""
    library = PageLibrary(app.config["CONTENT_DIR"] / "pages", reload=app.debug)
    for problem in library.problems:
        app.logger.error("content problem: %s", problem)
    app.extensions["pages"] = library
    app.cli.add_command(cli)


__all__ = ["blueprint", "MODELS", "init_app"]
