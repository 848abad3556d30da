"""Commands for members: `flask members create --admin EMAIL`, `reset-link EMAIL`, `list`."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from ..db import db, writing
from . import links, members, passwords
from .models import ROLES, Member

cli = AppGroup("members", help="Manage CLT workspace members.")


@cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the admin role (for the first admin).")
@click.option(
    "--role", "roles", multiple=True, type=click.Choice(ROLES), help="A role to give; repeat for more."
)
@click.option("--name", default="", help="The member's name, as shown to other members.")
@click.option(
    "--link", is_flag=True, help="Print a one-time set-password link instead of asking for a password."
)
def create_command(email: str, admin: bool, roles: tuple[str, ...], name: str, link: bool):
    """Add a member: asks for their password twice, or with --link prints a one-time link."""
    roles = set(roles) | ({"admin"} if admin else set())
    # No request here, so no language to pick from: say everything in English.
    with db.connection_context(), force_locale("en"):
        if Member.by_email(email) is not None:
            raise click.ClickException(f"A member with the address {email.strip().lower()} already exists.")
        password = None
        if not link:
            password = click.prompt(
                "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
            )
            reason = passwords.problem(password, email, current_app.config["SITE_NAME"])
            if reason:
                raise click.ClickException(reason)
        try:
            member = members.create(
                email, roles, name=name, password=password, reason="added on the command line"
            )
        except members.MemberError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Added {member.email} with roles: {', '.join(sorted(member.role_set)) or 'none'}.")
        if link:
            with writing():
                token = links.issue(member, "invite")
            _print_link(token)


@cli.command("reset-link")
@click.argument("email")
def reset_link_command(email: str):
    """Print a one-time link for a member to set a new password (turns their second factor off)."""
    with db.connection_context(), force_locale("en"):
        member = Member.by_email(email)
        if member is None:
            raise click.ClickException("No member has that address.")
        try:
            token, _purpose = members.issue_reset(member, reason="issued on the command line", by=None)
        except members.MemberError as error:
            raise click.ClickException(str(error)) from error
        _print_link(token)


def _print_link(token: str) -> None:
    hours = current_app.config["WORKSPACE_LINK_HOURS"]
    click.echo(f"One-time link (works once, for {hours} hours):\n{links.absolute_url(token)}")


@cli.command("list")
def list_command():
    """List members with their roles and whether they are active."""
    with db.connection_context():
        for member in Member.listed():
            state = "active" if member.active else "deactivated"
            click.echo(f"{member.email}\t{','.join(sorted(member.role_set)) or '-'}\t{state}")
