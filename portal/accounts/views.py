"""Sign in and out, accept an invitation or reset link, the workspace home and the member's own account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from . import account, dashboard, links, second_factor, sessions, signin
from .forms import (
    ButtonForm,
    ChangePasswordForm,
    CodeForm,
    ConfirmSecondFactorForm,
    SetPasswordForm,
    SignInForm,
    TurnOffSecondFactorForm,
    safe_next,
)
from .gate import SESSION_KEY, current_member, protect

blueprint = protect(Blueprint("accounts", __name__, url_prefix="/workspace"), None)

NEXT_KEY = "workspace_next"


def _lock_message(lock) -> str:
    minutes = ngettext("%(num)d minute", "%(num)d minutes", lock.minutes)
    if lock.scope == "account":
        return _(
            "There have been too many unsuccessful tries for this account, so signing in is paused "
            "for %(minutes)s. If you have forgotten your password, ask a CLT admin for a reset link.",
            minutes=minutes,
        )
    return _(
        "There have been too many unsuccessful sign-in tries from this device or network, so signing in "
        "is paused for %(minutes)s. Please wait and try again.",
        minutes=minutes,
    )


def _begin(token: str, target: str):
    """Replace whatever the cookie held with the new session token, then go on."""
    session.clear()
    session[SESSION_KEY] = token
    return redirect(safe_next(target))


def _show_sign_in(form, status=200, message=None):
    return render_template("accounts/sign_in.html", form=form, message=message), status


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_member() is not None:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm(next=safe_next(request.args.get("next")))
    if not form.validate_on_submit():
        return _show_sign_in(form, 400 if form.is_submitted() else 200)
    result = signin.attempt(form.email.data, form.password.data)
    if result.status == "locked":
        return _show_sign_in(form, 429, _lock_message(result.lock))
    if result.status == "wrong":
        form.password.errors = [_("The email address or the password is not right.")]
        return _show_sign_in(form, 400)
    if result.status == "needs-code":
        session.clear()
        session[SESSION_KEY] = result.token
        session[NEXT_KEY] = safe_next(form.next.data)
        return redirect(url_for("accounts.sign_in_code"))
    return _begin(result.token, form.next.data)


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    token = session.get(SESSION_KEY)
    member = sessions.pending(token)
    if member is None:
        flash(_("Please sign in again."), "warn")
        return redirect(url_for("accounts.sign_in"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("accounts/sign_in_code.html", form=form), 400 if form.is_submitted() else 200
    result = signin.confirm_code(token, member, form.code.data)
    if result.status == "locked":
        return render_template(
            "accounts/sign_in_code.html", form=form, message=_lock_message(result.lock)
        ), 429
    if result.status == "wrong":
        form.code.errors = [
            _("That code is not right or was already used. Wait for a new code and try again.")
        ]
        return render_template("accounts/sign_in_code.html", form=form), 400
    return _begin(result.token, session.get(NEXT_KEY))


@blueprint.route("/sign-out", methods=["POST"])
def sign_out():
    signin.sign_out(session.get(SESSION_KEY), current_member())
    session.clear()
    flash(_("You have signed out."), "ok")
    return redirect(url_for("accounts.sign_in"))


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    link = links.find(token)
    if link is None:
        return render_template("accounts/link_invalid.html"), 404
    form = SetPasswordForm()
    form.member_email = link.member.email
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("accounts/set_password.html", form=form, link=link), status
    if account.redeem(link, form.new_password.data) is None:
        return render_template("accounts/link_invalid.html"), 404
    session.pop(SESSION_KEY, None)
    flash(_("Your password is set. Please sign in."), "ok")
    return redirect(url_for("accounts.sign_in"))


@blueprint.route("/")
def home():
    member = current_member()
    items = [item for item in dashboard.menu(member) if item.path.rstrip("/") != "/workspace"]
    return render_template("accounts/home.html", items=items)


def _account_page(password_form=None, off_form=None, status=200):
    member = current_member()
    password_form = password_form or ChangePasswordForm(formdata=None)
    off_form = off_form or TurnOffSecondFactorForm(formdata=None)
    return render_template(
        "accounts/account.html",
        member=member,
        password_form=password_form,
        off_form=off_form,
        start_form=ButtonForm(),
    ), status


@blueprint.route("/account")
def account_page():
    return _account_page()


@blueprint.route("/account/password", methods=["POST"])
def change_password():
    member = current_member()
    form = ChangePasswordForm()
    form.member_email = member.email
    if not form.validate_on_submit():
        return _account_page(password_form=form, status=400)
    outcome = account.change_password(
        member, form.current_password.data, form.new_password.data, keep_token=session.get(SESSION_KEY)
    )
    if outcome != "changed":
        form.current_password.errors = [
            _("Your current password is not right.")
            if outcome == "wrong"
            else _("Too many wrong passwords. Please wait 15 minutes.")
        ]
        return _account_page(password_form=form, status=400 if outcome == "wrong" else 429)
    flash(_("Your password is changed. Any other place you were signed in has been signed out."), "ok")
    return redirect(url_for("accounts.account_page"))


@blueprint.route("/account/second-factor", methods=["GET", "POST"])
def second_factor_enrol():
    member = current_member()
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        account.start_second_factor(member)
        return redirect(url_for("accounts.second_factor_enrol"))
    return _enrol_page(member, ConfirmSecondFactorForm(formdata=None))


def _enrol_page(member, form, status=200):
    secret = member.totp_pending_secret
    if not secret:
        return redirect(url_for("accounts.account_page"))
    return render_template(
        "accounts/second_factor.html",
        form=form,
        secret=second_factor.grouped(secret),
        uri=second_factor.provisioning_uri(secret, member.email),
    ), status


@blueprint.route("/account/second-factor/confirm", methods=["POST"])
def second_factor_confirm():
    member = current_member()
    form = ConfirmSecondFactorForm()
    if not form.validate_on_submit():
        return _enrol_page(member, form, 400)
    if not account.confirm_second_factor(member, form.code.data):
        form.code.errors = [
            _("That code does not match. Check the time on your phone and try the newest code.")
        ]
        return _enrol_page(member, form, 400)
    flash(_("The second factor is on. From now on, signing in asks for a code."), "ok")
    return redirect(url_for("accounts.account_page"))


@blueprint.route("/account/second-factor/off", methods=["POST"])
def second_factor_off():
    member = current_member()
    form = TurnOffSecondFactorForm()
    if not form.validate_on_submit():
        return _account_page(off_form=form, status=400)
    outcome = account.turn_off_second_factor(member, form.password.data)
    if outcome != "off":
        form.password.errors = [
            _("Your password is not right.")
            if outcome == "wrong"
            else _("Too many wrong passwords. Please wait 15 minutes.")
        ]
        return _account_page(off_form=form, status=400 if outcome == "wrong" else 429)
    flash(_("The second factor is off."), "ok")
    return redirect(url_for("accounts.account_page"))
