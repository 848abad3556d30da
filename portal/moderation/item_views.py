"""One item in the workspace: read it in full, and every action on it (nested under moderation)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..accounts.audit import AuditEntry
from ..accounts.gate import current_member
from ..accounts.models import Member
from ..questions import answers, choices, workflow
from ..questions.models import Answer, Submission
from . import actions, answer_templates, hiding
from .forms import (
    KIND_LABELS,
    STATE_LABELS,
    ActionForm,
    AssignForm,
    HideForm,
    LinkForm,
    NoteForm,
    PublishForm,
    ReplyForm,
    TopicForm,
    preview_checksum,
    whole_number,
)
from .models import AnswerTemplate, Assignment, Note

blueprint = Blueprint("items", __name__, url_prefix="/items")


def _item(item_id: int) -> Submission:
    item = Submission.get_or_none(Submission.id == item_id)
    if item is None:
        abort(404)
    return item


def _template_pairs():
    return [("", _("No template"))] + [(str(t.id), t.title) for t in AnswerTemplate.listed()]


def _answer_pairs():
    return [(str(a.id), a.question_text[:120]) for a in Answer.published()]


def _forms(item: Submission, **given) -> dict:
    """Return every form on the item page, keeping any that a failed POST handed back."""
    assigned = Assignment.members_for([item.id]).get(item.id)
    forms = {
        "action_form": given.get("action_form") or ActionForm(formdata=None),
        "publish_form": given.get("publish_form")
        or PublishForm(formdata=None, prefix="publish", question=item.message[:1000], topic=item.topic),
        "reply_form": given.get("reply_form") or ReplyForm(formdata=None, prefix="reply"),
        "link_form": given.get("link_form") or LinkForm(formdata=None, prefix="link"),
        "topic_form": given.get("topic_form") or TopicForm(formdata=None, prefix="topic", topic=item.topic),
        "assign_form": given.get("assign_form")
        or AssignForm(formdata=None, prefix="assign", member=str(assigned.id) if assigned else ""),
        "hide_form": given.get("hide_form") or HideForm(formdata=None, prefix="hide"),
        "note_form": given.get("note_form") or NoteForm(formdata=None, prefix="note"),
    }
    forms["publish_form"].template.set_pairs(_template_pairs())
    forms["reply_form"].template.set_pairs(_template_pairs())
    forms["link_form"].answer.set_pairs(_answer_pairs())
    forms["assign_form"].member.set_pairs(actions.assignee_pairs())
    return forms


def _page(item: Submission, status: int = 200, **given):
    assigned = Assignment.members_for([item.id]).get(item.id)
    page = render_template(
        "moderation/item.html",
        item=item,
        notes=list(Note.on(item.id)),
        history=list(AuditEntry.filtered().where(AuditEntry.target == actions.target(item)).limit(30)),
        assigned=assigned,
        allowed=workflow.TRANSITIONS.get(item.status, set()),
        personal=[choices.PERSONAL_LABELS.get(k, k) for k in item.personal_list],
        kind_label=KIND_LABELS.get(item.kind, item.kind),
        state_label=STATE_LABELS.get(item.status, item.status),
        hidden_label=hiding.label(hiding.category(item.hidden_reason)) if item.hidden_reason else None,
        choices=choices,
        **_forms(item, **given),
    )
    return page, status


def _done(item: Submission, message: str):
    flash(message, "ok")
    return redirect(url_for(".show", item_id=item.id), 303)


def _refused(item: Submission, error: Exception):
    flash(str(error), "error")
    return redirect(url_for(".show", item_id=item.id), 303)


@blueprint.get("/<int:item_id>")
def show(item_id: int):
    item = _item(item_id)
    actions.mark_seen(item, current_member())
    return _page(item)


def _simple(item_id: int, change, message: str):
    """Run a one-button action after checking the form's token."""
    item = _item(item_id)
    if not ActionForm().validate_on_submit():
        return _page(item, 400)
    try:
        change(item, current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    return _done(item, message)


@blueprint.post("/<int:item_id>/review")
def review(item_id: int):
    return _simple(item_id, actions.start_review, _("Marked as being reviewed."))


@blueprint.post("/<int:item_id>/close")
def close(item_id: int):
    return _simple(item_id, actions.close, _("Closed."))


@blueprint.post("/<int:item_id>/reopen")
def reopen(item_id: int):
    return _simple(item_id, actions.reopen, _("Reopened: it is back in review."))


@blueprint.post("/<int:item_id>/spam")
def spam(item_id: int):
    return _simple(
        item_id, lambda item, member: actions.hide(item, hiding.SPAM, "", member), _("Hidden as spam.")
    )


@blueprint.post("/<int:item_id>/hide")
def hide(item_id: int):
    item = _item(item_id)
    form = HideForm(prefix="hide")
    if not form.validate_on_submit():
        return _page(item, 400, hide_form=form)
    try:
        actions.hide(item, form.reason.data, form.detail.data or "", current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    return _done(item, _("Hidden. The person's status page now says it is closed."))


@blueprint.post("/<int:item_id>/topic")
def topic(item_id: int):
    item = _item(item_id)
    form = TopicForm(prefix="topic")
    if not form.validate_on_submit():
        return _page(item, 400, topic_form=form)
    try:
        changed = actions.set_topic(item, form.topic.data, current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    return _done(item, _("Topic changed.") if changed else _("The topic was already that."))


@blueprint.post("/<int:item_id>/assign")
def assign(item_id: int):
    item = _item(item_id)
    form = AssignForm(prefix="assign")
    form.member.set_pairs(actions.assignee_pairs())
    if not form.validate_on_submit():
        return _page(item, 400, assign_form=form)
    assignee = Member.get_or_none(Member.id == int(form.member.data)) if form.member.data else None
    try:
        actions.assign(item, assignee, current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    return _done(item, _("Assigned.") if assignee else _("Now assigned to nobody."))


@blueprint.post("/<int:item_id>/notes")
def note(item_id: int):
    item = _item(item_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _page(item, 400, note_form=form)
    actions.add_note(item, form.text.data, current_member())
    return _done(item, _("Note added."))


@blueprint.post("/<int:item_id>/link")
def link(item_id: int):
    item = _item(item_id)
    form = LinkForm(prefix="link")
    form.answer.set_pairs(_answer_pairs())
    if not form.validate_on_submit():
        return _page(item, 400, link_form=form)
    answer = Answer.get_or_none(Answer.id == int(form.answer.data))
    try:
        actions.link(item, answer, current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    return _done(item, _("Marked as answered by the question you chose. The person can follow the link."))


def _with_template(text: str | None, template_id: str) -> str:
    number = whole_number(template_id)
    body = answer_templates.body_of(number) if number is not None else None
    if not body:
        return text or ""
    return f"{text.rstrip()}\n\n{body}" if text and text.strip() else body


@blueprint.post("/<int:item_id>/reply")
def reply(item_id: int):
    item = _item(item_id)
    form = ReplyForm(prefix="reply")
    form.template.set_pairs(_template_pairs())
    if form.use_template.data:
        form.text.data = _with_template(form.text.data, form.template.data or "")
        return _page(item, reply_form=form)
    if not form.validate_on_submit():
        return _page(item, 400, reply_form=form)
    try:
        emailed = actions.reply(item, form.text.data, current_member())
    except workflow.WorkflowError as error:
        return _refused(item, error)
    message = _("Reply saved. The person can read it on the status page with their receipt code.")
    return _done(item, message + (" " + _("It was also emailed to them.") if emailed else ""))


@blueprint.post("/<int:item_id>/publish")
def publish(item_id: int):
    item = _item(item_id)
    form = PublishForm(prefix="publish")
    form.template.set_pairs(_template_pairs())
    if form.use_template.data:
        form.answer.data = _with_template(form.answer.data, form.template.data or "")
        return _page(item, publish_form=form)
    if not form.validate_on_submit():
        return _page(item, 400, publish_form=form)
    if form.publish.data and form.matches_preview(item.id):
        try:
            actions.publish(item, form.question.data, form.answer.data, form.topic.data, current_member())
        except workflow.WorkflowError as error:
            return _refused(item, error)
        flash(_("Published. The person who asked can follow the link from their status page."), "ok")
        return redirect(url_for(".show", item_id=item.id, _anchor="public-answer"), 303)
    form.checksum.data = preview_checksum(item.id, form.question.data, form.answer.data, form.topic.data)
    return render_template(
        "moderation/preview.html",
        item=item,
        form=form,
        # nh3 has just cleaned it with the answer allowlist, as publishing will.
        answer_html=Markup(answers.sanitize_answer(form.answer.data)),  # noqa: S704
        topic_label=choices.topic_label(form.topic.data),
        changed=bool(form.publish.data),
        redacted=actions.is_redacted(item.message, form.question.data),
    ), 200
