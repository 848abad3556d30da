"""The audit log: every workspace action is appended, it can be filtered, and nobody can edit it."""

import datetime

import pyotp
import pytest

from portal.accounts import audit
from portal.accounts.audit import AppendOnlyError, AuditEntry, record
from portal.accounts.gate import is_workspace
from portal.accounts.models import Member
from portal.db import writing
from tests.accounts_helpers import PASSWORD, make_member, sign_in
from tests.conftest import make_app
from tests.test_accounts_members import LINK, NEW_PASSWORD


@pytest.fixture
def app(tmp_path, database_url):
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox")


def entries():
    return [
        (e.action, e.member_email, e.target, e.reason) for e in AuditEntry.select().order_by(AuditEntry.id)
    ]


def test_every_accounts_action_writes_the_audit_log(app, monkeypatch):
    make_member("admin@example.org", roles=("admin",))
    admin = app.test_client()
    sign_in(admin, "admin@example.org")

    response = admin.post(
        "/workspace/members/invite",
        data={"email": "ana@example.org", "roles": ["moderator"], "reason": "new member"},
    )
    path = LINK.search(response.get_data(as_text=True)).group(0).removeprefix("http://127.0.0.1:5000")
    ana_id = Member.by_email("ana@example.org").id
    ana = app.test_client()
    ana.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    sign_in(ana, "ana@example.org", NEW_PASSWORD)
    ana.post(
        "/workspace/account/password",
        data={"current_password": NEW_PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD},
    )
    ana.post("/workspace/account/second-factor")
    secret = Member.get_by_id(ana_id).totp_pending_secret
    ana.post("/workspace/account/second-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    ana.post("/workspace/account/second-factor/off", data={"password": PASSWORD})
    admin.post(
        f"/workspace/members/{ana_id}/roles", data={"roles-roles": ["organizer"], "roles-reason": "swap"}
    )
    admin.post(f"/workspace/members/{ana_id}/reset-link", data={"reset-reason": "forgot"})
    admin.post(f"/workspace/members/{ana_id}/deactivate", data={"active-reason": "moved away"})
    admin.post(f"/workspace/members/{ana_id}/reactivate", data={"active-reason": "came back"})

    target = "member:ana@example.org"
    assert entries() == [
        ("member.invited", "admin@example.org", target, "new member"),
        ("account.invitation-accepted", "ana@example.org", target, ""),
        ("account.password-changed", "ana@example.org", target, ""),
        ("account.second-factor-on", "ana@example.org", target, ""),
        ("account.second-factor-off", "ana@example.org", target, ""),
        ("member.roles-changed", "admin@example.org", target, "swap [roles: moderator -> organizer]"),
        ("member.reset-link-issued", "admin@example.org", target, "forgot"),
        ("member.deactivated", "admin@example.org", target, "moved away"),
        ("member.reactivated", "admin@example.org", target, "came back"),
    ]
    assert all(
        abs(e.at - datetime.datetime.now(datetime.UTC).replace(tzinfo=None)) < datetime.timedelta(minutes=1)
        for e in AuditEntry.select()
    )


def test_refused_actions_write_nothing(app):
    me = make_member("admin@example.org", roles=("admin",))
    client = app.test_client()
    sign_in(client, me)
    client.post(
        f"/workspace/members/{me.id}/roles", data={"roles-roles": ["moderator"], "roles-reason": "no"}
    )
    client.post(f"/workspace/members/{me.id}/deactivate", data={"active-reason": ""})
    assert entries() == []


def test_entries_cannot_be_changed_or_deleted(app):
    with app.test_request_context():
        entry = record("question.answered", target="question:7", reason="reviewed")
    entry.reason = "rewritten history"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete_instance()
    with pytest.raises(AppendOnlyError):
        AuditEntry.update(reason="x").execute()
    with pytest.raises(AppendOnlyError):
        AuditEntry.delete().execute()
    assert AuditEntry.get_by_id(entry.id).reason == "reviewed"


def test_no_route_can_change_the_audit_log(app):
    audit_rules = [r for r in app.url_map.iter_rules() if is_workspace(r.rule) and "audit" in r.rule]
    assert audit_rules
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_record_is_part_of_the_callers_transaction(app):
    with app.test_request_context(), pytest.raises(RuntimeError), writing():
        record("event.created", target="event:1")
        raise RuntimeError("the feature's own write failed")
    assert AuditEntry.select().count() == 0


def test_record_uses_the_signed_in_member_by_default(app):
    member = make_member("mod@example.org")
    client = app.test_client()
    sign_in(client, member)
    with client:
        client.get("/workspace/")
        entry = record("question.hidden", target="question:3", reason="personal details")
    assert (entry.member_id, entry.member_email) == (member.id, "mod@example.org")
    with app.app_context():
        assert record("release.published", target="release:2026-q1").member is None


def test_record_needs_an_action_and_clips_long_text(app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="action"):
            record("  ")
        entry = record("x.y", target="t" * 500, reason="r" * 5000)
    assert len(entry.target) == audit.TARGET_MAX and entry.target.endswith("…")
    assert len(entry.reason) == audit.REASON_MAX


def test_audit_page_filters_by_member_action_and_date(app):
    admin = make_member("admin@example.org", roles=("admin",))
    mod = make_member("mod@example.org")
    with app.app_context():
        record("question.answered", target="question:1", reason="first", member=mod)
        record("question.hidden", target="question:2", reason="<script>x</script>", member=mod)
        old = record("member.invited", target="member:z@example.org", member=admin)
    with writing():
        AuditEntry.insert(
            at=datetime.datetime(2020, 5, 1, 12),
            member=admin,
            member_email=admin.email,
            action="member.deactivated",
            target="member:old@example.org",
            reason="long ago",
        ).execute()
    client = app.test_client()
    sign_in(client, admin)

    page = client.get("/workspace/audit").get_data(as_text=True)
    assert all(text in page for text in ("question:1", "question:2", "long ago", old.target))
    assert "&lt;script&gt;" in page and "<script>x" not in page

    page = client.get(f"/workspace/audit?member={mod.id}").get_data(as_text=True)
    assert "question:1" in page and "question:2" in page and "long ago" not in page
    page = client.get("/workspace/audit?action=question.hidden").get_data(as_text=True)
    assert "question:2" in page and "question:1" not in page
    page = client.get("/workspace/audit?since=2020-05-01&until=2020-05-01").get_data(as_text=True)
    assert "long ago" in page and "question:1" not in page
    page = client.get("/workspace/audit?since=2021-01-01").get_data(as_text=True)
    assert "long ago" not in page and "question:1" in page

    for bad in ("since=not-a-date", "member=999", "action=<x>", "since=2021-02-01&until=2021-01-01"):
        response = client.get(f"/workspace/audit?{bad}")
        assert response.status_code == 400, bad
        assert b"Please check the form" in response.data


def test_audit_page_shows_sign_ins_and_pages_through_entries(app):
    admin = make_member("admin@example.org", roles=("admin",))
    client = app.test_client()
    client.post("/workspace/sign-in", data={"email": "admin@example.org", "password": "wrong password 1"})
    sign_in(client, admin)
    page = client.get("/workspace/audit?log=sign-ins").get_data(as_text=True)
    assert "wrong-password" in page and "signed-in" in page
    with app.app_context(), writing():
        for n in range(60):
            record("test.bulk", target=f"item:{n:02d}", member=admin)
    first = client.get("/workspace/audit").get_data(as_text=True)
    assert "item:59" in first and "item:09" not in first and "Older entries" in first
    second = client.get("/workspace/audit?page=2").get_data(as_text=True)
    assert "item:09" in second and "item:59" not in second and "Newer entries" in second
