"""The data steward's page under /workspace/outcomes: the state of every release, and how to publish."""

from flask import Blueprint, current_app, render_template

from ..accounts.gate import protect
from . import dashboard, steward
from .release_files import releases_folder

workspace = Blueprint("outcomes_workspace", __name__, url_prefix="/workspace/outcomes")

protect(workspace, "data_steward")


@workspace.get("/")
def index():
    checks = steward.check_folders(releases_folder(current_app.config["CONTENT_DIR"]))
    shown = current_app.extensions["outcomes"]
    return render_template(
        "outcomes/workspace.html",
        checks=checks,
        shown_ids={release.id for release in shown},
        problems=[check for check in checks if check.problem],
        next_release=dashboard.next_release(shown[-1].id) if shown else None,
    )
