"""Forms for signing in, passwords, the second factor, members and the audit filter."""

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..forms import PortalForm
from . import passwords
from .models import ROLES, Member, normalise_email

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
ROLE_LABELS = {
    "moderator": _l("Moderator: questions and feedback"),
    "organizer": _l("Organizer: sessions and meetings"),
    "data_steward": _l("Data steward: outcome releases"),
    "admin": _l("Admin: members and the audit log"),
}


def valid_email(_form, field) -> None:
    """Refuse text that is not shaped like an email address."""
    field.data = normalise_email(field.data)
    if not EMAIL.match(field.data):
        raise ValidationError(_l("Enter an email address like name@example.org."))


def safe_next(target: str | None) -> str:
    """Return a sign-in `next` target only if it is a relative path inside the workspace."""
    target = target or ""
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or "\\" in target
        or target.startswith("//")
        or not (target == "/workspace" or target.startswith("/workspace/"))
        or len(target) > 500
    ):
        return "/workspace/"
    return target


class SignInForm(PortalForm):
    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254), valid_email],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=passwords.MAX_LENGTH * 4)],
    )
    next = HiddenField()


class CodeForm(PortalForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(_l("Enter the 6-digit code.")), Length(max=20)],
    )

    def validate_code(self, field):
        if not re.fullmatch(r"\d{6}", re.sub(r"[\s-]", "", field.data or "")):
            raise ValidationError(_l("The code is 6 digits, like 123456."))


class NewPasswordMixin:
    """A new password typed twice and checked against the password rules."""

    member_email = ""  # set by the view: the password must not contain this address

    def validate_new_password(self, field):
        reason = passwords.problem(field.data or "", self.member_email, current_app.config["SITE_NAME"])
        if reason:
            raise ValidationError(reason)


def _new_password_field():
    return PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(max=passwords.MAX_LENGTH, message=_l("Use at most 1000 characters.")),
        ],
    )


def _confirm_field():
    return PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class SetPasswordForm(NewPasswordMixin, PortalForm):
    new_password = _new_password_field()
    confirm = _confirm_field()


class ChangePasswordForm(NewPasswordMixin, PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=passwords.MAX_LENGTH * 4)],
    )
    new_password = _new_password_field()
    confirm = _confirm_field()


class ConfirmSecondFactorForm(CodeForm):
    pass


class TurnOffSecondFactorForm(PortalForm):
    password = PasswordField(
        _l("Your password"),
        validators=[
            DataRequired(_l("Enter your password to turn the second factor off.")),
            Length(max=passwords.MAX_LENGTH * 4),
        ],
    )


class ButtonForm(PortalForm):
    """A form with only its CSRF token, for one-button actions."""


def _reason_field(required: bool):
    checks = [Length(max=500, message=_l("Keep the reason under 500 characters."))]
    checks.insert(
        0, DataRequired(_l("Give a short reason; it goes in the audit log.")) if required else Optional()
    )
    return TextAreaField(_l("Reason (kept in the audit log)"), validators=checks)


def _roles_field():
    return SelectMultipleField(_l("Roles"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])


class InviteForm(PortalForm):
    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter the new member's email address.")), Length(max=254), valid_email],
    )
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=100)])
    roles = _roles_field()
    reason = _reason_field(required=False)

    def validate_email(self, field):
        if Member.by_email(field.data) is not None:
            raise ValidationError(_l("A member with this email address already exists."))


class RolesForm(PortalForm):
    roles = _roles_field()
    reason = _reason_field(required=True)


class ReasonForm(PortalForm):
    reason = _reason_field(required=True)


class AuditFilterForm(PortalForm):
    """The audit log filter: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    log = SelectField(
        _l("Log"),
        choices=[SelectChoice("actions", _l("Actions")), SelectChoice("sign-ins", _l("Sign-ins"))],
        default="actions",
    )
    # Choices are filled in by the view from the members and actions that exist.
    member = SelectField(_l("Member"), choices=[], default="")
    action = SelectField(_l("Action"), choices=[], default="")
    since = DateField(_l("From (UTC date)"), validators=[Optional()])
    until = DateField(_l("To (UTC date)"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
