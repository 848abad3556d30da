"""The meeting packet: a printable page, CSV and Markdown downloads, and 'discussed at the meeting'."""

import datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.gate import current_member
from ..questions import choices, workflow
from ..questions.models import Submission
from . import actions, packet
from .forms import KIND_LABELS, STATE_LABELS, DiscussedForm, PeriodForm, whole_number

blueprint = Blueprint("packet", __name__, url_prefix="/packet")


def _labels() -> dict:
    return {
        "title": _("CLT meeting packet"),
        "period": _("Items received"),
        "by_kind": _("By kind"),
        "by_state": _("By state"),
        "by_topic": _("By topic (questions and feedback)"),
        "items": _("Questions and feedback"),
        "received": _("Received"),
        "crisis": _("flagged as a possible crisis"),
        "withheld": _("Text withheld: it may hold personal details. Read it in the workspace."),
        "hidden_note": _("Hidden items (spam or abuse) are counted above but not listed."),
        "kinds": {key: str(label) for key, label in KIND_LABELS.items()},
        "states": {key: str(STATE_LABELS[key]) for key in choices.STATUSES},
        "topics": {key: str(label) for key, label in choices.TOPICS},
        "count": _("Items"),
        "chart_title": _("Questions and feedback by topic"),
    }


def _period():
    """Return (form, since, until): the period asked for, or the default one."""
    form = PeriodForm(formdata=request.args)
    today = datetime.datetime.now(datetime.UTC).date()
    since, until = packet.default_period(
        today, packet.last_meeting_day(datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    )
    if form.validate():
        since = form.since.data or since
        until = form.until.data or until
    if until < since:
        until = since
    if (until - since).days > packet.MAX_DAYS:
        since = until - datetime.timedelta(days=packet.MAX_DAYS)
    form.since.data, form.until.data = since, until
    return form, since, until


@blueprint.get("/")
def show():
    form, since, until = _period()
    found = packet.collect(since, until)
    labels = _labels()
    figure = packet.topic_figure(found, labels) if found.total else None
    return render_template(
        "moderation/packet.html",
        form=form,
        packet=found,
        labels=labels,
        figure=figure,
        discussed_form=DiscussedForm(formdata=None, on=datetime.datetime.now(datetime.UTC).date()),
    )


def _download(body: str, mimetype: str, name: str, since, until) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="clt-packet-{since}-{until}.{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/download.csv")
def csv_download():
    _form, since, until = _period()
    return _download(packet.to_csv(packet.collect(since, until), _labels()), "text/csv", "csv", since, until)


@blueprint.get("/download.md")
def markdown_download():
    _form, since, until = _period()
    body = packet.to_markdown(packet.collect(since, until), _labels())
    return _download(body, "text/markdown", "md", since, until)


@blueprint.post("/discussed")
def discussed():
    form = DiscussedForm()
    ids = [n for n in map(whole_number, request.form.getlist("item")) if n is not None][:500]
    back = {k: v for k, v in request.form.items() if k in ("since", "until") and len(v) <= 10}
    if not form.validate_on_submit():
        flash(form.on.errors[0] if form.on.errors else _("Please check the form."), "error")
        return redirect(url_for(".show", **back), 303)
    open_states = (choices.RECEIVED, choices.REVIEWING, choices.DISCUSSED)
    items = list(Submission.select().where(Submission.id.in_(ids), Submission.status.in_(open_states)))
    if not items:
        flash(_("Please tick at least one open item that was discussed."), "warn")
        return redirect(url_for(".show", **back), 303)
    try:
        count = actions.mark_discussed(items, form.on.data, current_member())
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for(".show", **back), 303)
    flash(
        _(
            "%(num)d items recorded as discussed on %(date)s. The people who sent them can see this.",
            num=count,
            date=form.on.data.isoformat(),
        ),
        "ok",
    )
    return redirect(url_for(".show", **back), 303)
