"""Signing in and out: throttling, server-side sessions, expiry, the second factor and the sign-in log."""

import datetime
import logging

import pyotp
import pytest

from portal.accounts import second_factor, throttle
from portal.accounts.models import MemberSession, SignInEvent, SignInFailure, utcnow
from portal.db import writing
from tests.accounts_helpers import PASSWORD, make_member, sign_in
from tests.conftest import make_app


@pytest.fixture
def app(tmp_path, database_url):
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox")


def post_sign_in(client, email, password, next_url="/workspace/"):
    return client.post("/workspace/sign-in", data={"email": email, "password": password, "next": next_url})


def age(model, minutes, *fields):
    """Move the given timestamps of every row back, as if `minutes` had passed."""
    delta = datetime.timedelta(minutes=minutes)
    with writing():
        for row in model.select():
            for field in fields:
                setattr(row, field, getattr(row, field) - delta)
            row.save()


def test_right_password_signs_in_and_wrong_one_does_not(client):
    make_member("ana@example.org")
    response = post_sign_in(client, "ANA@example.org ", "wrong password entirely")
    assert response.status_code == 400
    assert b"The email address or the password is not right." in response.data
    assert client.get("/workspace/").status_code == 302
    response = post_sign_in(client, " Ana@Example.org", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client):
    make_member("ana@example.org")
    unknown = post_sign_in(client, "nobody@example.org", "whatever password")
    wrong = post_sign_in(client, "ana@example.org", "whatever password")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.data.replace(b"nobody@example.org", b"") == wrong.data.replace(b"ana@example.org", b"")


def test_deactivated_and_invited_members_cannot_sign_in(client):
    make_member("gone@example.org", active=False)
    make_member("new@example.org", password=None)
    assert post_sign_in(client, "gone@example.org", PASSWORD).status_code == 400
    assert post_sign_in(client, "new@example.org", "").status_code == 400
    assert post_sign_in(client, "new@example.org", "anything at all here").status_code == 400
    outcomes = {row.outcome for row in SignInEvent.select()}
    assert {"inactive", "no-password-yet"} <= outcomes


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/workspace/account", "/workspace/account"),
        ("https://evil.example/", "/workspace/"),
        ("//evil.example/x", "/workspace/"),
        ("/\\evil.example", "/workspace/"),
        ("/what-is-lead", "/workspace/"),
        ("javascript:alert(1)", "/workspace/"),
    ],
)
def test_next_target_must_stay_inside_the_workspace(client, target, lands):
    make_member()
    response = post_sign_in(client, "m@example.org", PASSWORD, next_url=target)
    assert response.headers["Location"] == lands


def test_sign_in_page_remembers_where_the_member_was_going(client):
    response = client.get("/workspace/account")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/workspace/account"' in page


def test_five_wrong_passwords_pause_the_account_then_it_reopens(client):
    make_member("ana@example.org")
    for _ in range(5):
        assert post_sign_in(client, "ana@example.org", "not the password 1").status_code == 400
    response = post_sign_in(client, "ana@example.org", PASSWORD)
    assert response.status_code == 429
    assert b"too many unsuccessful tries for this account" in response.data
    assert b"15 minutes" in response.data
    assert client.get("/workspace/").status_code == 302
    age(SignInFailure, 10, "at")
    assert b"5 minutes" in post_sign_in(client, "ana@example.org", PASSWORD).data
    age(SignInFailure, 6, "at")
    assert post_sign_in(client, "ana@example.org", PASSWORD).status_code == 302
    assert client.get("/workspace/").status_code == 200


def test_refused_tries_do_not_extend_the_pause(client):
    make_member("ana@example.org")
    for _ in range(5):
        post_sign_in(client, "ana@example.org", "not the password 1")
    for _ in range(5):
        assert post_sign_in(client, "ana@example.org", "still guessing 123").status_code == 429
    assert SignInFailure.select().count() == 10  # 5 failures x (account + client); refusals not counted
    age(SignInFailure, 16, "at")
    assert post_sign_in(client, "ana@example.org", PASSWORD).status_code == 302


def test_the_account_pause_does_not_reveal_whether_an_address_exists(client):
    for _ in range(5):
        post_sign_in(client, "nobody@example.org", "not the password 1")
    response = post_sign_in(client, "nobody@example.org", "not the password 1")
    assert response.status_code == 429
    assert b"for this account" in response.data


def test_many_failures_from_one_client_pause_that_client_only(app):
    make_member("ana@example.org")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for i in range(20):
        post_sign_in(attacker, f"guess{i // 4}@example.org", "not the password 1")
    response = post_sign_in(attacker, "ana@example.org", PASSWORD)
    assert response.status_code == 429
    assert b"from this device or network" in response.data
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert post_sign_in(colleague, "ana@example.org", PASSWORD).status_code == 302
    age(SignInFailure, 16, "at")
    assert post_sign_in(attacker, "ana@example.org", PASSWORD).status_code == 302


def test_successful_sign_ins_are_not_counted(app):
    make_member("ana@example.org")
    client = app.test_client()
    for _ in range(25):
        assert post_sign_in(client, "ana@example.org", PASSWORD).status_code == 302
        client.post("/workspace/sign-out")
    assert SignInFailure.select().count() == 0


def test_throttle_keys_hold_no_address(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        throttle.note_failure("ana@example.org")
        keys = [row.key for row in SignInFailure.select()]
    assert len(keys) == 2
    assert not any("203.0.113" in key or "ana@" in key for key in keys)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app):
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/workspace/").status_code == 200
    response = client.post("/workspace/sign-out")
    assert response.headers["Location"] == "/workspace/sign-in"
    assert MemberSession.select().count() == 0
    assert thief.get("/workspace/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/workspace/account").status_code == 302


def test_sign_in_starts_a_new_session_token(app):
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    first = MemberSession.get().token_hash
    client.post("/workspace/sign-out")
    sign_in(client, "m@example.org")
    assert MemberSession.get().token_hash != first
    assert MemberSession.select().count() == 1


def test_idle_session_expires(app):
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    age(MemberSession, 29, "last_seen_at", "created_at")
    assert client.get("/workspace/").status_code == 200
    age(MemberSession, 31, "last_seen_at", "created_at")
    response = client.get("/workspace/account")
    assert response.status_code == 302
    assert MemberSession.select().count() == 0
    assert b"signed out because the session ended" in client.get(response.headers["Location"]).data


def test_activity_keeps_the_session_alive(app):
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    for _ in range(3):
        age(MemberSession, 20, "last_seen_at", "created_at")
        assert client.get("/workspace/").status_code == 200


def test_idle_minutes_come_from_config(database_url):
    app = make_app(database_url, WORKSPACE_IDLE_MINUTES=5)
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    age(MemberSession, 6, "last_seen_at")
    assert client.get("/workspace/").status_code == 302


def test_session_ends_after_twelve_hours_even_when_active(app):
    make_member()
    client = app.test_client()
    sign_in(client, "m@example.org")
    age(MemberSession, 11 * 60, "created_at")
    assert client.get("/workspace/").status_code == 200
    age(MemberSession, 61, "created_at")
    assert client.get("/workspace/").status_code == 302


def test_sign_in_log_has_email_and_time_but_no_password_or_address(app, caplog):
    make_member("ana@example.org")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    secret_typo = "my-secret-typo-password"
    with caplog.at_level(logging.INFO):
        post_sign_in(client, "ana@example.org", secret_typo)
        post_sign_in(client, "stranger@example.org", "stranger-password-typed")
        sign_in(client, "ana@example.org")
        client.post("/workspace/sign-out")
    rows = list(SignInEvent.select().order_by(SignInEvent.id).dicts())
    assert [r["outcome"] for r in rows] == ["wrong-password", "unknown-account", "signed-in", "signed-out"]
    assert [r["email"] for r in rows] == ["ana@example.org", "", "ana@example.org", "ana@example.org"]
    assert all(abs(r["at"] - utcnow()) < datetime.timedelta(minutes=1) for r in rows)
    stored = " ".join(str(v) for r in rows for v in r.values())
    for text in (stored, caplog.text):
        assert secret_typo not in text and PASSWORD not in text and "stranger-password" not in text
        assert "203.0.113" not in text and "stranger@example.org" not in text
    assert "ana@example.org" in caplog.text


def test_no_password_is_stored_anywhere_in_the_database(app):
    make_member("ana@example.org")
    client = app.test_client()
    post_sign_in(client, "ana@example.org", "typed-wrong-secret-1")
    sign_in(client, "ana@example.org")
    dump = []
    for model in app.extensions["models"]:
        dump.extend(str(v) for row in model.select().dicts() for v in row.values())
    text = " ".join(dump)
    assert "typed-wrong-secret-1" not in text and PASSWORD not in text
    assert "scrypt:" in text  # the hash is there, so the dump really covers the members table


def enrol_totp(client, member):
    """Turn the second factor on through the account page; return the secret."""
    client.post("/workspace/account/second-factor")
    page = client.get("/workspace/account/second-factor").get_data(as_text=True)
    member = type(member).get_by_id(member.id)
    secret = member.totp_pending_secret
    assert second_factor.grouped(secret) in page
    assert "otpauth://totp/" in page
    assert client.post("/workspace/account/second-factor/confirm", data={"code": "000000"}).status_code == 400
    code = pyotp.TOTP(secret).now()
    assert client.post("/workspace/account/second-factor/confirm", data={"code": code}).status_code == 302
    return secret


def later(monkeypatch, seconds):
    """Move the second-factor clock forward, as if the member waited for the next code."""
    import time as real_time

    class Clock:
        @staticmethod
        def time():
            return real_time.time() + seconds

    monkeypatch.setattr(second_factor, "time", Clock)
    return real_time.time() + seconds


def test_second_factor_enrolment_then_sign_in_asks_for_the_code(app, monkeypatch):
    member = make_member()
    client = app.test_client()
    sign_in(client, member)
    secret = enrol_totp(client, member)
    client.post("/workspace/sign-out")

    response = post_sign_in(client, "m@example.org", PASSWORD)
    assert response.headers["Location"] == "/workspace/sign-in/code"
    # Half-way: the password alone opens nothing.
    assert client.get("/workspace/").status_code == 302
    assert client.post("/workspace/sign-in/code", data={"code": "12345"}).status_code == 400
    wrong = client.post("/workspace/sign-in/code", data={"code": "000000"})
    assert wrong.status_code == 400 and b"not right" in wrong.data
    now = later(monkeypatch, 60)
    code = pyotp.TOTP(secret).at(now)
    assert client.post("/workspace/sign-in/code", data={"code": code[:3] + " " + code[3:]}).status_code == 302
    assert client.get("/workspace/").status_code == 200
    assert SignInEvent.select().where(SignInEvent.outcome == "wrong-code").count() == 1

    # The same code cannot be used a second time.
    client.post("/workspace/sign-out")
    post_sign_in(client, "m@example.org", PASSWORD)
    assert client.post("/workspace/sign-in/code", data={"code": code}).status_code == 400
    assert client.get("/workspace/").status_code == 302


def test_code_step_requires_a_fresh_password_step(client):
    assert client.get("/workspace/sign-in/code").headers["Location"] == "/workspace/sign-in"
    assert client.post("/workspace/sign-in/code", data={"code": "123456"}).status_code == 302


def test_wrong_codes_count_towards_the_account_pause(app):
    secret = pyotp.random_base32()
    make_member(totp_secret=secret)
    client = app.test_client()
    post_sign_in(client, "m@example.org", PASSWORD)
    for _ in range(5):
        client.post("/workspace/sign-in/code", data={"code": "000000"})
    response = client.post("/workspace/sign-in/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 429


def test_helper_signs_in_members_with_a_second_factor(app):
    member = make_member(totp_secret=pyotp.random_base32())
    client = app.test_client()
    sign_in(client, member)
    assert client.get("/workspace/").status_code == 200


def test_turning_the_second_factor_off_needs_the_password(app):
    member = make_member(totp_secret=pyotp.random_base32())
    client = app.test_client()
    sign_in(client, member)
    response = client.post("/workspace/account/second-factor/off", data={"password": "not my password 1"})
    assert response.status_code == 400 and b"not right" in response.data
    assert type(member).get_by_id(member.id).second_factor_on
    assert client.post("/workspace/account/second-factor/off", data={"password": PASSWORD}).status_code == 302
    assert not type(member).get_by_id(member.id).second_factor_on
