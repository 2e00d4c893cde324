import pytest

from jigsaw.accounts.passwords import (
    MAX_LENGTH,
    hash_password,
    password_matches,
    reason_to_refuse,
)

EMAIL = "joanne.whitfield@oakfield-primary.example.org"
NAME = "Joanne Whitfield"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "12 characters or more"),
        ("x" * (MAX_LENGTH + 1), f"{MAX_LENGTH} characters or fewer"),
        ("password1234", "too common"),
        ("qwertyuiop12", "too common"),
        ("aaaaaaaaaaaaaa", "too common"),
        ("123456789012", "too common"),
        ("zyxwvutsrqpo", "too common"),
        ("whitfield-kettle-river", "your name or email"),
        ("joanne.whitfield rocks", "your name or email"),
    ],
)
def test_refused_passwords_say_why(password: str, reason: str) -> None:
    refusal = reason_to_refuse(password, email=EMAIL, name=NAME)
    assert refusal is not None
    assert reason in refusal


@pytest.mark.parametrize(
    "password", ["kettle river window", "correct horse battery staple", "Ω≈ç√ long enough"]
)
def test_long_uncommon_passwords_are_accepted_without_composition_rules(password: str) -> None:
    assert reason_to_refuse(password, email=EMAIL, name=NAME) is None


def test_hashes_are_argon2id_and_verify() -> None:
    stored = hash_password("kettle river window")
    assert stored.startswith("$argon2id$")
    assert password_matches(stored, "kettle river window")
    assert not password_matches(stored, "kettle river windoW")
    assert not password_matches(None, "kettle river window")
    assert not password_matches("not-a-hash", "anything")
