"""Helpers for any test that needs a CLT member: make one, sign them in (test client or browser)."""

import functools
import re

import pyotp
from werkzeug.security import generate_password_hash

from portal.accounts.models import Member, join_roles
from portal.db import writing

PASSWORD = "a long test passphrase for members"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@functools.cache
def _hash(password: str) -> str:
    # One scrypt hash per password per test run: hashing is slow on purpose.
    return generate_password_hash(password, method="scrypt")


def make_member(
    email="m@example.org", roles=("moderator",), password=PASSWORD, name="", active=True, totp_secret=""
) -> Member:
    """Create a member in the current test app's database (no app context needed)."""
    with writing():
        return Member.create(
            email=email.strip().lower(),
            name=name,
            roles=join_roles(roles),
            password_hash=_hash(password) if password else "",
            active=active,
            totp_secret=totp_secret,
        )


def csrf_token(html: str) -> str | None:
    """Return the first CSRF token in a page, or None when CSRF is off."""
    found = _CSRF.search(html)
    return (found.group(1) or found.group(2)) if found else None


def sign_in(client, member_or_email, password=PASSWORD, next_url=None):
    """Sign a member in through the real form (with CSRF on or off); return the final redirect response.

    Members with a second factor get their current code typed for them.
    """
    email = getattr(member_or_email, "email", member_or_email)
    page = client.get("/workspace/sign-in")
    data = {"email": email, "password": password, "next": next_url or "/workspace/"}
    token = csrf_token(page.get_data(as_text=True))
    if token:
        data["csrf_token"] = token
    response = client.post("/workspace/sign-in", data=data)
    if response.status_code == 302 and response.headers["Location"].endswith("/workspace/sign-in/code"):
        member = Member.get(Member.email == email.strip().lower())
        code_page = client.get("/workspace/sign-in/code")
        data = {"code": pyotp.TOTP(member.totp_secret).now()}
        token = csrf_token(code_page.get_data(as_text=True))
        if token:
            data["csrf_token"] = token
        response = client.post("/workspace/sign-in/code", data=data)
    assert response.status_code == 302, f"sign-in failed with {response.status_code}"
    return response


def sign_in_browser(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page in a Playwright tab and wait for the workspace."""
    page.goto(base_url + "/workspace/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r".*/workspace/(?!sign-in).*"))
