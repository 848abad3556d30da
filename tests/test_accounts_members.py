"""Member admin: invitations, reset links, roles, deactivation, the first admin and the demo member."""

import datetime
import re
from email import policy
from email.parser import BytesParser

import pytest

from portal.accounts import members, passwords
from portal.accounts.models import Member, MemberSession, OneTimeLink
from portal.db import writing
from tests.accounts_helpers import PASSWORD, make_member, sign_in
from tests.conftest import make_app

NEW_PASSWORD = "violet tractor seldom brunch"
LINK = re.compile(r"http://[^\s<\"]+/workspace/invitation/[A-Za-z0-9_-]+")


@pytest.fixture
def app(tmp_path, database_url):
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox")


@pytest.fixture
def admin_client(app):
    make_member("admin@example.org", roles=("admin",))
    client = app.test_client()
    sign_in(client, "admin@example.org")
    return client


def outbox(app):
    folder = app.config["MAIL_OUTBOX"]
    return [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))
    ]


def invite(client, email="new@example.org", roles=("moderator",)):
    response = client.post(
        "/workspace/members/invite",
        data={"email": email, "name": "New Member", "roles": list(roles), "reason": "joined the CLT"},
    )
    assert response.status_code == 200, response.data[:500]
    return LINK.search(response.get_data(as_text=True)).group(0).removeprefix("http://127.0.0.1:5000")


def test_invitation_is_emailed_shown_once_and_works_once(app, admin_client):
    path = invite(admin_client)
    member = Member.by_email("new@example.org")
    assert member.roles == "moderator" and member.name == "New Member" and not member.has_password
    [message] = outbox(app)
    assert message["To"] == "new@example.org"
    assert path in message.get_content()
    assert path.rsplit("/", 1)[1] not in " ".join(row.token_hash for row in OneTimeLink.select())

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and b"new@example.org" in page.data
    response = newcomer.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/workspace/sign-in"
    sign_in(newcomer, "new@example.org", NEW_PASSWORD)
    assert newcomer.get("/workspace/").status_code == 200

    again = app.test_client()
    assert again.get(path).status_code == 404
    used = again.post(
        path, data={"new_password": "another fine passphrase", "confirm": "another fine passphrase"}
    )
    assert used.status_code == 404 and b"This link does not work" in used.data
    assert passwords.verify(Member.by_email("new@example.org").password_hash, NEW_PASSWORD)


def test_invitation_expires_after_72_hours(app, admin_client):
    path = invite(admin_client)
    link = OneTimeLink.get()
    assert datetime.timedelta(hours=71) < link.expires_at - link.created_at <= datetime.timedelta(hours=72)
    with writing():
        link.expires_at = link.created_at + datetime.timedelta(hours=72) - datetime.timedelta(days=4)
        link.save()
    response = app.test_client().get(path)
    assert response.status_code == 404 and b"expire" in response.data


def test_weak_passwords_are_refused_on_the_invitation_page(app, admin_client):
    path = invite(admin_client)
    client = app.test_client()
    cases = {
        "short1": b"at least 12 characters",
        "1qaz2wsx3edc": b"most common passwords",
        "new@example.org rocks": b"email address",
        "x" * 1001: b"at most 1000 characters",
    }
    for password, message in cases.items():
        response = client.post(path, data={"new_password": password, "confirm": password})
        assert response.status_code == 400 and message in response.data, password[:20]
    mismatch = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert b"not the same" in mismatch.data
    long_one = ("lantern river quiet stone " * 40)[:1000]
    assert client.post(path, data={"new_password": long_one, "confirm": long_one}).status_code == 302
    sign_in(app.test_client(), "new@example.org", long_one)


def test_invite_refuses_bad_and_duplicate_addresses(admin_client):
    for email, message in (
        ("", b"Enter the new member"),
        ("not-an-address", b"Enter an email address like"),
        ("ADMIN@example.org", b"already exists"),
        ("<script>@x.org", b"Enter an email"),
    ):
        response = admin_client.post("/workspace/members/invite", data={"email": email})
        assert response.status_code == 400 and message in response.data, email
    assert (
        b"<script>@"
        not in admin_client.post("/workspace/members/invite", data={"email": "<script>@x.org"}).data
    )
    assert (
        admin_client.post("/workspace/members/invite", data={"email": "a@x.org", "roles": "king"}).status_code
        == 400
    )


def test_reset_link_sets_a_new_password_and_turns_the_second_factor_off(app, admin_client):
    member = make_member("ana@example.org", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    ana = app.test_client()
    sign_in(ana, member)
    response = admin_client.post(
        f"/workspace/members/{member.id}/reset-link", data={"reset-reason": "lost phone"}
    )
    path = LINK.search(response.get_data(as_text=True)).group(0).removeprefix("http://127.0.0.1:5000")
    assert b"Reset link ready" in response.data
    # The old password still works until the link is used.
    assert ana.get("/workspace/").status_code == 200
    assert (
        app.test_client().post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    refreshed = Member.get_by_id(member.id)
    assert not refreshed.second_factor_on
    assert passwords.verify(refreshed.password_hash, NEW_PASSWORD)
    assert ana.get("/workspace/").status_code == 302  # every old session ended
    sign_in(app.test_client(), "ana@example.org", NEW_PASSWORD)


def test_a_new_link_cancels_the_previous_one(app, admin_client):
    first = invite(admin_client)
    member = Member.by_email("new@example.org")
    response = admin_client.post(
        f"/workspace/members/{member.id}/reset-link", data={"reset-reason": "lost email"}
    )
    assert b"Invitation ready" in response.data  # no password yet, so a fresh invitation
    assert app.test_client().get(first).status_code == 404


def test_roles_change_takes_effect_at_once(app, admin_client):
    member = make_member("ana@example.org", roles=("moderator",))
    ana = app.test_client()
    sign_in(ana, member)
    assert ana.get("/workspace/members").status_code == 403
    response = admin_client.post(
        f"/workspace/members/{member.id}/roles",
        data={"roles-roles": ["admin", "organizer"], "roles-reason": "new chair"},
    )
    assert response.status_code == 302
    assert Member.get_by_id(member.id).role_set == {"admin", "organizer"}
    assert ana.get("/workspace/members").status_code == 200
    assert (
        admin_client.post(
            f"/workspace/members/{member.id}/roles", data={"roles-roles": ["admin"]}
        ).status_code
        == 400
    )


def test_deactivation_signs_the_member_out_everywhere(app, admin_client):
    member = make_member("ana@example.org")
    ana = app.test_client()
    sign_in(ana, member)
    response = admin_client.post(f"/workspace/members/{member.id}/deactivate", data={"active-reason": "left"})
    assert response.status_code == 302
    assert MemberSession.select().where(MemberSession.member == member).count() == 0
    assert ana.get("/workspace/").status_code == 302
    assert (
        app.test_client()
        .post("/workspace/sign-in", data={"email": "ana@example.org", "password": PASSWORD})
        .status_code
        == 400
    )
    admin_client.post(f"/workspace/members/{member.id}/reactivate", data={"active-reason": "back"})
    sign_in(app.test_client(), "ana@example.org")


def test_the_last_admin_cannot_be_removed(app, admin_client):
    me = Member.by_email("admin@example.org")
    response = admin_client.post(
        f"/workspace/members/{me.id}/roles", data={"roles-roles": ["moderator"], "roles-reason": "oops"}
    )
    assert response.status_code == 409 and b"no active admin" in response.data
    response = admin_client.post(f"/workspace/members/{me.id}/deactivate", data={"active-reason": "oops"})
    assert response.status_code == 409
    assert Member.get_by_id(me.id).holds("admin") and Member.get_by_id(me.id).active
    make_member("second@example.org", roles=("admin",))
    assert (
        admin_client.post(
            f"/workspace/members/{me.id}/roles",
            data={"roles-roles": ["moderator"], "roles-reason": "handing over"},
        ).status_code
        == 302
    )


def test_unknown_member_pages_are_404(admin_client):
    assert admin_client.get("/workspace/members/999").status_code == 404
    assert admin_client.post("/workspace/members/999/roles", data={"roles-reason": "x"}).status_code == 404


def test_members_page_lists_members_escaped(admin_client):
    make_member("ana@example.org", name="<b>Ana</b>", roles=("data_steward",))
    page = admin_client.get("/workspace/members").get_data(as_text=True)
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page and "<b>Ana</b>" not in page
    assert "data steward" in page


def test_change_password_ends_other_sessions_but_keeps_this_one(app):
    member = make_member("ana@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, member)
    sign_in(elsewhere, member)
    wrong = here.post(
        "/workspace/account/password",
        data={"current_password": "not it at all", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and b"current password is not right" in wrong.data
    weak = here.post(
        "/workspace/account/password",
        data={"current_password": PASSWORD, "new_password": "password", "confirm": "password"},
    )
    assert weak.status_code == 400 and b"at least 12" in weak.data
    response = here.post(
        "/workspace/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/workspace/").status_code == 200
    assert elsewhere.get("/workspace/").status_code == 302
    sign_in(app.test_client(), "ana@example.org", NEW_PASSWORD)


def test_home_lists_only_what_the_roles_allow_and_what_exists(database_url):
    from flask import Blueprint

    from portal.accounts.gate import protect

    app = make_app(database_url)
    events = protect(Blueprint("fake_events", __name__, url_prefix="/workspace/events"), "organizer")
    events.add_url_rule("/", "index", lambda: "events")
    app.register_blueprint(events)
    make_member("org@example.org", roles=("organizer", "moderator"))
    client = app.test_client()
    sign_in(client, "org@example.org")
    page = client.get("/workspace/").get_data(as_text=True)
    assert 'href="/workspace/events/"' in page
    assert 'href="/workspace/moderation/"' in page  # the moderator role, and the page exists
    assert "/workspace/members" not in page and "/workspace/outcomes/" not in page
    assert 'aria-label="Workspace"' in page
    assert 'action="/workspace/sign-out"' in page


def test_cli_creates_the_first_admin_with_a_prompted_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["members", "create", "--admin", "Boss@Example.org"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Added boss@example.org with roles: admin." in result.output
    assert NEW_PASSWORD not in result.output.replace("Password", "")
    member = Member.by_email("boss@example.org")
    assert member.holds("admin") and passwords.verify(member.password_hash, NEW_PASSWORD)
    sign_in(app.test_client(), "boss@example.org", NEW_PASSWORD)
    again = runner.invoke(args=["members", "create", "--admin", "boss@example.org"], input="x\nx\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_cli_refuses_a_weak_first_password(app):
    result = app.test_cli_runner().invoke(
        args=["members", "create", "--admin", "boss@example.org"], input="password1234\npassword1234\n"
    )
    assert result.exit_code != 0 and "most common" in result.output
    assert Member.by_email("boss@example.org") is None


def test_cli_link_and_reset_link(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["members", "create", "boss@example.org", "--admin", "--role", "moderator", "--link"]
    )
    assert result.exit_code == 0, result.output
    path = LINK.search(result.output).group(0).removeprefix("http://127.0.0.1:5000")
    assert Member.by_email("boss@example.org").role_set == {"admin", "moderator"}
    client = app.test_client()
    assert client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    reset = runner.invoke(args=["members", "reset-link", "boss@example.org"])
    assert reset.exit_code == 0 and LINK.search(reset.output)
    assert runner.invoke(args=["members", "reset-link", "nobody@example.org"]).exit_code != 0
    listing = runner.invoke(args=["members", "list"])
    assert "boss@example.org\tadmin,moderator\tactive" in listing.output
    make_member("gone@example.org", active=False)
    refused = runner.invoke(args=["members", "reset-link", "gone@example.org"])
    assert refused.exit_code != 0 and "deactivated" in refused.output


def test_seed_demo_adds_the_demo_member_only_to_an_empty_table(app, capsys, caplog):
    with app.app_context():
        assert members.seed_demo() is True
        demo = Member.by_email(members.DEMO_EMAIL)
        assert demo.role_set == {"admin", "moderator", "organizer", "data_steward"}
        assert passwords.verify(demo.password_hash, "demo passphrase for the CLT")
        assert members.seed_demo() is False
    assert "demo passphrase" not in capsys.readouterr().out + caplog.text


def test_seed_demo_does_nothing_when_a_member_exists(app):
    make_member("real@example.org")
    with app.app_context():
        assert members.seed_demo() is False
    assert Member.by_email(members.DEMO_EMAIL) is None
