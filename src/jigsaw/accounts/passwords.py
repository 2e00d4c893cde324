"""Passwords, as NCSC advises: long, no composition rules, not on a deny list.

Hashed with argon2id (argon2-cffi's defaults follow RFC 9106). The deny list is the
30,000 most common passwords from the zxcvbn package, shipped with Jigsaw.
"""

from functools import cache
from itertools import pairwise

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verifying against this when no account matches keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@cache
def _deny_list() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    """Hash a password for storage; the hash embeds its own salt and parameters."""
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` produced ``password_hash``; takes as long when there is no hash."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def reason_to_refuse(password: str, *, email: str, name: str) -> str | None:
    """Why a new password would be refused, in words for the person choosing it, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _deny_list() or _is_one_repeated_or_run(lowered):
        return "Password is too common and easy to guess: choose three random words instead"
    personal = {email.lower(), email.split("@", maxsplit=1)[0].lower(), *name.lower().split()}
    if any(len(part) >= 4 and part in lowered for part in personal):  # noqa: PLR2004
        return "Password must not contain your name or email address"
    return None


def _is_one_repeated_or_run(lowered: str) -> bool:
    """Passwords like 'aaaaaaaaaaaa' or '123456789012' that no list needs to hold."""
    if len(set(lowered)) <= 2:  # noqa: PLR2004
        return True
    codes = [ord(character) for character in lowered]
    steps = {b - a for a, b in pairwise(codes)}
    # Counting up or down, digits wrapping from 9 to 0 ("123456789012").
    return steps <= {1, -9} or steps <= {-1, 9}
