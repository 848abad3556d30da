"""Admin pages: the members list and invitations, one member's roles and links, the audit log."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from .. import mail
from . import links, members
from .audit import AuditEntry, day_range
from .forms import AuditFilterForm, InviteForm, ReasonForm, RolesForm
from .gate import current_member, protect
from .models import Member, SignInEvent

blueprint = protect(Blueprint("accounts_admin", __name__, url_prefix="/workspace"), "admin")

PER_PAGE = 50


def _member_or_404(member_id: int) -> Member:
    member = Member.get_or_none(Member.id == member_id)
    if member is None:
        abort(404)
    return member


def _send_link(member: Member, token: str, purpose: str) -> bool:
    """Email the link after the transaction committed; return whether it went."""
    hours = current_app.config["WORKSPACE_LINK_HOURS"]
    if purpose == "invite":
        subject = _("Your invitation to the Albany LEAD CLT workspace")
        opening = _("You have been invited to the Albany LEAD Community Leadership Team workspace.")
    else:
        subject = _("Reset your Albany LEAD CLT workspace password")
        opening = _("A CLT admin issued a link for you to set a new password.")
    body = _(
        "%(opening)s\n\nChoose your password here:\n%(url)s\n\nThe link works once and expires in %(hours)d "
        "hours. If you did not expect this, you can ignore this email.",
        opening=opening,
        url=links.absolute_url(token),
        hours=hours,
    )
    return mail.send(member.email, subject, body)


def _link_issued(member: Member, token: str, purpose: str):
    sent = _send_link(member, token, purpose)
    # Shown once in answer to the POST and never stored, so a redirect cannot carry it.
    return render_template(
        "accounts/link_issued.html",
        member=member,
        url=links.absolute_url(token),
        purpose=purpose,
        sent=sent,
        hours=current_app.config["WORKSPACE_LINK_HOURS"],
    )


def _members_page(form=None, status=200):
    form = form or InviteForm(formdata=None)
    return render_template("accounts/members.html", members=Member.listed(), form=form), status


@blueprint.route("/members")
def members_page():
    return _members_page()


@blueprint.route("/members/invite", methods=["POST"])
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(form, 400)
    try:
        member, token = members.invite(
            form.email.data,
            form.roles.data,
            form.name.data or "",
            form.reason.data or "",
            by=current_member(),
        )
    except members.MemberError as error:
        form.email.errors = [str(error)]
        return _members_page(form, 400)
    return _link_issued(member, token, "invite")


def _member_page(member, roles_form=None, active_form=None, reset_form=None, status=200, error=None):
    return render_template(
        "accounts/member.html",
        member=member,
        roles_form=roles_form or RolesForm(formdata=None, prefix="roles", roles=sorted(member.role_set)),
        active_form=active_form or ReasonForm(formdata=None, prefix="active"),
        reset_form=reset_form or ReasonForm(formdata=None, prefix="reset"),
        error=error,
        history=AuditEntry.filtered().where(AuditEntry.target == members.target(member)).limit(20),
    ), status


@blueprint.route("/members/<int:member_id>")
def member_page(member_id: int):
    return _member_page(_member_or_404(member_id))


@blueprint.route("/members/<int:member_id>/roles", methods=["POST"])
def change_roles(member_id: int):
    member = _member_or_404(member_id)
    form = RolesForm(prefix="roles")
    if not form.validate_on_submit():
        return _member_page(member, roles_form=form, status=400)
    try:
        members.change_roles(member, form.roles.data, form.reason.data, by=current_member())
    except members.MemberError as error:
        return _member_page(member, roles_form=form, status=409, error=str(error))
    flash(_("Roles changed for %(email)s.", email=member.email), "ok")
    return redirect(url_for("accounts_admin.member_page", member_id=member.id))


@blueprint.route("/members/<int:member_id>/deactivate", methods=["POST"])
def deactivate(member_id: int):
    return _set_active(member_id, False)


@blueprint.route("/members/<int:member_id>/reactivate", methods=["POST"])
def reactivate(member_id: int):
    return _set_active(member_id, True)


def _set_active(member_id: int, active: bool):
    member = _member_or_404(member_id)
    form = ReasonForm(prefix="active")
    if not form.validate_on_submit():
        return _member_page(member, active_form=form, status=400)
    try:
        members.set_active(member, active, form.reason.data, by=current_member())
    except members.MemberError as error:
        return _member_page(member, active_form=form, status=409, error=str(error))
    if active:
        flash(_("%(email)s can sign in again.", email=member.email), "ok")
    else:
        flash(_("%(email)s is deactivated and signed out everywhere.", email=member.email), "ok")
    return redirect(url_for("accounts_admin.member_page", member_id=member.id))


@blueprint.route("/members/<int:member_id>/reset-link", methods=["POST"])
def reset_link(member_id: int):
    member = _member_or_404(member_id)
    form = ReasonForm(prefix="reset")
    if not form.validate_on_submit():
        return _member_page(member, reset_form=form, status=400)
    try:
        token, purpose = members.issue_reset(member, form.reason.data, by=current_member())
    except members.MemberError as error:
        return _member_page(member, reset_form=form, status=409, error=str(error))
    return _link_issued(member, token, purpose)


@blueprint.route("/audit")
def audit_page():
    form = AuditFilterForm(request.args)
    everyone = list(Member.listed())
    form.member.choices = [SelectChoice("", _("Anyone"))] + [
        SelectChoice(str(m.id), m.label) for m in everyone
    ]
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(a) for a in AuditEntry.actions()
    ]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    if request.args and not form.validate():
        return render_template("accounts/audit.html", form=form, rows=[]), 400
    who = next((m for m in everyone if str(m.id) == form.member.data), None)
    since, until = day_range(form.since.data, form.until.data)
    if form.log.data == "sign-ins":
        query = SignInEvent.recent(member=who, since=since, until=until)
    else:
        query = AuditEntry.filtered(member=who, action=form.action.data or "", since=since, until=until)
    # One row more than a page shows whether an older page exists.
    rows = list(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE))
    args = request.args.to_dict()
    newer = url_for("accounts_admin.audit_page", **{**args, "page": page - 1}) if page > 1 else None
    older = (
        url_for("accounts_admin.audit_page", **{**args, "page": page + 1}) if len(rows) > PER_PAGE else None
    )
    return render_template("accounts/audit.html", form=form, rows=rows[:PER_PAGE], newer=newer, older=older)
