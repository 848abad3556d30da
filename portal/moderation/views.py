"""The moderation workspace: the queue, its bulk actions and the digest setting.

Item, packet and template pages are nested blueprints (moderation.items, moderation.packet,
moderation.templates), so the one moderator gate on this blueprint covers them all.
"""

from urllib.parse import parse_qsl

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..accounts.gate import current_member, protect
from ..accounts.models import Member
from ..questions import choices
from . import actions, bulk, digest, item_views, packet_views, queue, template_views
from .forms import (
    FLAG_LABELS,
    KIND_LABELS,
    SORT_LABELS,
    STATE_LABELS,
    BulkForm,
    DigestForm,
    QueueFilterForm,
    whole_number,
)
from .models import Assignment, DigestRun, DigestSubscription

blueprint = protect(Blueprint("moderation", __name__, url_prefix="/workspace/moderation"), "moderator")
blueprint.register_blueprint(item_views.blueprint)
blueprint.register_blueprint(packet_views.blueprint)
blueprint.register_blueprint(template_views.blueprint)

FILTER_KEYS = ("kind", "topic", "state", "flag", "since", "until", "q", "sort", "page")


def _page_number() -> int:
    return whole_number(request.args.get("page"), digits=6) or 1


@blueprint.get("/")
def index():
    member = current_member()
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    result = queue.page(queue.matching(filters, member.id), _page_number())
    bulk_form = BulkForm(formdata=None)
    bulk_form.assignee.set_pairs(actions.assignee_pairs())
    return render_template(
        "moderation/queue.html",
        form=form,
        filters=filters,
        result=result,
        counts=queue.state_counts(filters, member.id),
        unseen=queue.unseen_ids(member.id, result.items),
        assigned=Assignment.members_for(item.id for item in result.items),
        bulk_form=bulk_form,
        back=request.query_string.decode("latin-1"),
        labels={"kinds": KIND_LABELS, "states": STATE_LABELS, "flags": FLAG_LABELS, "sorts": SORT_LABELS},
        topic_label=choices.topic_label,
    )


def _ids(values: list[str]) -> list[int]:
    """Return the ticked item ids (anything that is not a short whole number is ignored)."""
    numbers = (whole_number(value) for value in values)
    return list(dict.fromkeys(n for n in numbers if n is not None))[: bulk.MAX_ITEMS]


def _back_to_queue(back: str):
    """Redirect to the queue with the filters it had (only known keys survive)."""
    args = {key: value for key, value in parse_qsl(back or "")[:20] if key in FILTER_KEYS}
    return redirect(url_for(".index", **args), 303)


@blueprint.post("/bulk")
def bulk_action():
    form = BulkForm()
    form.assignee.set_pairs(actions.assignee_pairs())
    ids = _ids(request.form.getlist("item"))
    back = request.form.get("back", "")[:2000]
    if not form.validate_on_submit():
        problems = [errors[0] for name, errors in form.errors.items() if name != "csrf_token"]
        flash(problems[0] if problems else _("This form expired. Please send it again."), "error")
        return _back_to_queue(back)
    if not ids:
        flash(_("Please tick at least one item first."), "warn")
        return _back_to_queue(back)
    assigning = form.action.data == bulk.ASSIGN and form.assignee.data
    assignee = Member.get_or_none(Member.id == int(form.assignee.data)) if assigning else None
    if form.confirm.data != "yes":
        return render_template(
            "moderation/bulk_confirm.html",
            form=form,
            ids=ids,
            action_label=dict(bulk.ACTIONS)[form.action.data],
            assignee=assignee,
            back=back,
        )
    outcome = bulk.apply(form.action.data, ids, current_member(), assignee)
    flash(ngettext("%(num)d item changed.", "%(num)d items changed.", outcome.done), "ok")
    if outcome.skipped:
        flash(
            ngettext(
                "%(num)d item was left as it was: its state does not allow that, or it was withdrawn.",
                "%(num)d items were left as they were: their state does not allow that, or they were "
                "withdrawn.",
                outcome.skipped,
            ),
            "warn",
        )
    return _back_to_queue(back)


@blueprint.route("/digest", methods=["GET", "POST"])
def digest_setting():
    member = current_member()
    form = DigestForm()
    if form.validate_on_submit():
        digest.set_subscription(member, bool(form.turn_on.data))
        flash(_("The daily digest is on.") if form.turn_on.data else _("The daily digest is off."), "ok")
        return redirect(url_for(".digest_setting"), 303)
    return render_template(
        "moderation/digest.html", form=form, on=DigestSubscription.is_on(member.id), last=DigestRun.last()
    )
