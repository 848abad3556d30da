"""Serve the content pages."""

from flask import Blueprint, abort, current_app, render_template

from portal.pagecache import shared_page

blueprint = Blueprint("pages", __name__)


def library():
    """Return the app's page library."""
    return current_app.extensions["pages"]


@blueprint.route("/")
def home():
    page = library().get("index")
    if page is None:
        abort(404)
    return shared_page(("page", "index"), lambda: render_template("pages/home.html", page=page))


@blueprint.route("/<slug>")
def show(slug: str):
    page = library().get(slug)
    if page is None or slug == "index":
        abort(404)
    return shared_page(("page", slug), lambda: render_template("pages/page.html", page=page))
