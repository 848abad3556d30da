"""Password rules and hashing (pure functions, plus the form messages members see)."""

import pytest
from werkzeug.security import check_password_hash

from portal.accounts import passwords


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.test_request_context():
        yield


def test_shipped_list_has_the_ten_thousand_most_common_passwords():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    for word in ("123456", "password", "qwerty", "iloveyou", "1qaz2wsx3edc", "trustno1"):
        assert word in common
    assert not any(line.startswith("#") for line in common)


@pytest.mark.parametrize(
    "password",
    ["1qaz2wsx3edc", "qwertyuiop123", "Password1234!", "  sunshine2024", "QAZWSXEDCRFV", "iloveyou12345"],
)
def test_common_passwords_are_refused(password):
    assert "most common passwords" in passwords.problem(password)


@pytest.mark.parametrize("password", ["", "short", "eleven char"])
def test_short_passwords_are_refused(password):
    assert "at least 12 characters" in passwords.problem(password)


def test_repetitive_passwords_are_refused():
    assert "too few different characters" in passwords.problem("abababababababab")


def test_email_and_site_name_are_refused():
    assert "email address" in passwords.problem("my name is jordan.smith ok", "Jordan.Smith@example.org")
    assert "name of this site" in passwords.problem("I love Albany LEAD so much")
    assert "name of this site" in passwords.problem(
        "xx Example Portal Name yy", site_name="Example Portal Name"
    )


def test_good_passphrases_are_accepted():
    assert passwords.problem("violet tractor seldom brunch") is None
    assert passwords.problem("demo passphrase for the CLT") is None
    assert passwords.problem("x7#Lq9!vR2@m") is None


def test_long_passphrases_are_accepted_up_to_the_limit():
    words = "river stone lantern quiet "
    long_one = (words * 40)[: passwords.MAX_LENGTH]
    assert len(long_one) == 1000
    assert passwords.problem(long_one) is None
    hashed = passwords.hash_password(long_one)
    assert passwords.verify(hashed, long_one)
    assert not passwords.verify(hashed, long_one[:-1])
    assert "at most 1000" in passwords.problem(long_one + "x")


def test_hash_is_salted_scrypt_and_never_the_password():
    first, second = (
        passwords.hash_password("violet tractor seldom brunch"),
        passwords.hash_password("violet tractor seldom brunch"),
    )
    assert first.startswith("scrypt:") and first != second
    assert "violet" not in first
    assert check_password_hash(first, "violet tractor seldom brunch")


def test_the_site_hashes_at_full_strength_and_verifies_any_strength(monkeypatch):
    assert passwords.STRENGTH == "scrypt"  # the suite lowers METHOD; the site never does
    monkeypatch.setattr(passwords, "METHOD", passwords.STRENGTH)
    strong = passwords.hash_password("violet tractor seldom brunch")
    assert strong.startswith("scrypt:32768:8:1$")
    monkeypatch.setattr(passwords, "METHOD", "scrypt:1024:8:1")
    assert passwords.verify(strong, "violet tractor seldom brunch")  # parameters live in the hash


def test_unicode_forms_of_the_same_text_match():
    composed, decomposed = "caf\u00e9 con leche por favor", "cafe\u0301 con leche por favor"
    assert passwords.verify(passwords.hash_password(composed), decomposed)


def test_verify_refuses_missing_hash_and_empty_password():
    assert not passwords.verify("", "anything long enough")
    assert not passwords.verify(None, "anything long enough")
    assert not passwords.verify(passwords.hash_password("violet tractor seldom brunch"), "")
