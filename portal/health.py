"""A health check for load balancers: says whether the app can reach its database, nothing more."""

from flask import Blueprint
from peewee import PeeweeException

from .db import db

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz")
def healthz():
    try:
        db.execute_sql("SELECT 1")
    except (PeeweeException, OSError):
        return "unavailable\n", 503, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
    return "ok\n", 200, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
