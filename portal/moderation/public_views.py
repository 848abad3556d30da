"""The public /accountability page: each quarter's totals and response times, never any text."""

import datetime

from flask import Blueprint, render_template

from ..questions import choices
from . import accountability, hiding

blueprint = Blueprint("accountability", __name__)


@blueprint.get("/accountability")
def page():
    today = datetime.datetime.now(datetime.UTC).date()
    quarters = accountability.quarterly(accountability.load_rows(), today)
    return render_template(
        "moderation/accountability.html",
        quarters=quarters,
        reasons=hiding.REASONS,
        kinds=choices.KINDS,
    )
