"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pydotorg.core.exceptions import FieldError
from pydotorg.data import DATA_DIR

MIN_LENGTH = 8
MAX_LENGTH = 1024
password_hasher = PasswordHasher()
_DUMMY_HASH = password_hasher.hash("not-a-real-password-only-for-timing")


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no (no account oracle)."""
    try:
        return password_hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return password_hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(DATA_DIR / "common-passwords.txt.gz", "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def check_password_policy(password: str, *, username: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise FieldError(field, f"must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise FieldError(field, f"must be at most {MAX_LENGTH} characters long")
    if username and password.casefold() == username.casefold():
        raise FieldError(field, "must not be the same as the username")
    if password.lower() in common_passwords():
        raise FieldError(field, "is too common; choose one that is harder to guess")
