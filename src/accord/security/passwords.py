"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accord.core.errors import InvalidInput

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_LENGTH = 10


class WeakPassword(InvalidInput):
    code = "weak_password"
    title = "Password too weak"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_strength(password: str, *, username: str) -> None:
    """Refuse passwords that are short or that merely repeat the username."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_LENGTH} characters", field="password")
    if username.lower() in password.lower():
        raise WeakPassword("a password must not contain the username", field="password")
    if len(set(password)) < 5:
        raise WeakPassword("a password needs more different characters", field="password")
