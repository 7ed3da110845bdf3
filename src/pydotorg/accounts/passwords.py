"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import asyncio
import gzip
import os
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pydotorg.core.exceptions import FieldError
from pydotorg.data import DATA_DIR

MIN_LENGTH = 8
MAX_LENGTH = 1024
# Unicode general categories whose characters do not show by themselves: separators (Z: spaces),
# other (C: controls, formatting such as zero-width spaces, unassigned) and marks (M: accents
# that combine with the character before them).
INVISIBLE_CATEGORIES = frozenset("ZCM")
# Letters and symbols that Unicode's own names say draw nothing: the Hangul fillers (category
# Lo, used to pad a syllable block) and the Braille pattern with no dots (So). Read from the
# character database, so every such character counts, not only those someone listed.
DRAWN_EMPTY_CATEGORIES = frozenset({"Lo", "So"})
DRAWN_EMPTY_NAMES = frozenset({"FILLER", "BLANK"})
password_hasher = PasswordHasher()
_DUMMY_HASH = password_hasher.hash("not-a-real-password-only-for-timing")
T = TypeVar("T")

# An Argon2 hash costs a fifth of a second of CPU and 64 MiB. On the event loop, a few
# simultaneous sign-ins would stall every other request of the worker; on SQLite a request
# holding the write lock could not get to its commit, and the writes waiting for the lock would
# time out ("database is locked"). Hashes run in these threads instead (Argon2 releases the
# GIL): one per core, so at most that many run, and take memory, at once.
_HASHING = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")


async def in_hashing_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` (hashing or verifying a password) beside the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING, function, *args)


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


def shows(character: str) -> bool:
    """Whether ``character`` draws something by itself: not a space, control, formatting
    character or combining mark (by general category), nor a letter or symbol whose Unicode
    name ends in FILLER or BLANK (U+3164 HANGUL FILLER, U+2800 BRAILLE PATTERN BLANK)."""
    category = unicodedata.category(character)
    if category[0] in INVISIBLE_CATEGORIES:
        return False
    if category in DRAWN_EMPTY_CATEGORIES:
        return unicodedata.name(character, "").rpartition(" ")[2] not in DRAWN_EMPTY_NAMES
    return True


def visible_characters(password: str) -> int:
    """How many characters of ``password`` show (:func:`shows`), once Unicode-normalised
    (NFKC), so neither eight spaces, eight Hangul fillers nor a letter with seven accents make
    a password."""
    return sum(1 for character in unicodedata.normalize("NFKC", password) if shows(character))


def check_password_policy(password: str, *, username: str, field: str = "password") -> None:
    """Refuse a new password that is too short, too long, unprintable or easy to guess (422).

    Control characters (tabs, line breaks, NUL) are refused: no keyboard types them into a
    password field, and a program that sends them is usually sending something else.
    """
    if any(unicodedata.category(character) == "Cc" for character in password):
        raise FieldError(field, "must not contain control characters (tabs, line breaks, NUL)")
    if visible_characters(password) < MIN_LENGTH:
        raise FieldError(
            field,
            f"must be at least {MIN_LENGTH} characters long, not counting spaces and "
            "invisible characters",
        )
    if len(password) > MAX_LENGTH:
        raise FieldError(field, f"must be at most {MAX_LENGTH} characters long")
    normalised = unicodedata.normalize("NFKC", password).casefold().strip()
    if username and normalised == username.casefold():
        raise FieldError(field, "must not be the same as the username")
    if normalised in common_passwords():
        raise FieldError(field, "is too common; choose one that is harder to guess")
