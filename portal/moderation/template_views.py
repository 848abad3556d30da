"""Saved answer templates: list, write, change and delete them (nested under moderation)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.gate import current_member
from . import answer_templates
from .forms import ActionForm, TemplateForm
from .models import AnswerTemplate

blueprint = Blueprint("templates", __name__, url_prefix="/templates")


def _template(template_id: int) -> AnswerTemplate:
    found = AnswerTemplate.get_or_none(AnswerTemplate.id == template_id)
    if found is None:
        abort(404)
    return found


@blueprint.get("/")
def index():
    return render_template(
        "moderation/templates.html", templates=list(AnswerTemplate.listed()), form=ActionForm(formdata=None)
    )


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    form = TemplateForm()
    if form.validate_on_submit():
        answer_templates.create(form.title.data, form.body.data, current_member())
        flash(_("Template saved."), "ok")
        return redirect(url_for(".index"), 303)
    return render_template(
        "moderation/template_edit.html", form=form, template=None
    ), 400 if form.errors else 200


@blueprint.route("/<int:template_id>/edit", methods=["GET", "POST"])
def edit(template_id: int):
    template = _template(template_id)
    form = TemplateForm() if request.method == "POST" else TemplateForm(obj=template)
    if form.validate_on_submit():
        answer_templates.update(template, form.title.data, form.body.data, current_member())
        flash(_("Template changed."), "ok")
        return redirect(url_for(".index"), 303)
    page = render_template("moderation/template_edit.html", form=form, template=template)
    return page, 400 if form.errors else 200


@blueprint.post("/<int:template_id>/delete")
def delete(template_id: int):
    template = _template(template_id)
    if ActionForm().validate_on_submit():
        answer_templates.delete(template, current_member())
        flash(_("Template deleted."), "ok")
    return redirect(url_for(".index"), 303)
