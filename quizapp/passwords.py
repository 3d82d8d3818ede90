"""Password policy (NIST SP 800-63B / OWASP ASVS style) and hashing. No Flask, no database."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from itertools import chain

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128

# argon2id with 46 MiB, one pass, one lane: one of the settings OWASP's password storage
# guidance lists for argon2id (ASVS 5.0 points there). Hashes made with other settings are
# upgraded at the next login (needs_rehash).
_hasher = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common passwords of MIN_LENGTH or more characters, casefolded: zxcvbn's list of the
    30,000 most frequent passwords of a large breach corpus (about 11,600 of them long enough
    to matter here), plus our own short list of local ones (Chinese number phrases, seasons
    with years)."""
    text = files("quizapp.data").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    words = chain(FREQUENCY_LISTS["passwords"], text.splitlines())
    return frozenset(w.strip().casefold() for w in words if len(w.strip()) >= MIN_LENGTH)


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a new password is refused; empty when it is acceptable. No composition rules."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.casefold()
    if lowered in common_passwords():
        problems.append("This password is one of the most common ones; choose another.")
    elif len(set(password)) <= 2 and len(password) >= MIN_LENGTH:
        problems.append("This password repeats one or two characters; choose another.")
    elif username and username.casefold() in lowered:
        problems.append("Do not put your username in your password.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against when a username does not exist, so that path is just as slow and
    response times do not reveal which usernames exist."""
    return _hasher.hash("not-a-real-password")
