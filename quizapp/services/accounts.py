"""Accounts: registration, login with throttling kept in the database, roles, sessions."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..database import write_transaction
from ..ids import parse_id
from ..models import ROLES, LoginFailure, User, utcnow
from ..passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from ..throttling import PER_ACCOUNT, PER_ADDRESS, Limit, wait_needed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is for the user."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str) -> str | None:
    if not USERNAME.match(normalise_username(username)):
        return (
            "Use 3 to 40 characters: letters, digits, '.', '_' or '-', starting with a "
            "letter or digit."
        )
    return None


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == normalise_username(username)))


def create_user(session: Session, username: str, password: str, role: str = "student") -> User:
    """Create an account, refusing bad usernames, weak passwords and taken names."""
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")
    name = normalise_username(username)
    problem = username_problem(name)
    if problem:
        raise AccountError(problem)
    problems = password_problems(password, name)
    if problems:
        raise AccountError(" ".join(problems))
    password_hash = hash_password(password)  # slow: outside the write lock
    try:
        with write_transaction(session):
            if find_user(session, name) is not None:
                raise AccountError("That username is taken.")
            user = User(username=name, password_hash=password_hash, role=role)
            session.add(user)
    except sa.exc.IntegrityError as exc:
        # Two registrations of one name at once (PostgreSQL does not serialise the check).
        raise AccountError("That username is taken.") from exc
    return user


def set_role(session: Session, username: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")
    with write_transaction(session):
        user = find_user(session, username)
        if user is None:
            raise AccountError(f"No user named '{normalise_username(username)}'.")
        user.role = role
    return user


def _wait_message(wait) -> str:
    minutes = max(1, round(wait.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed logins. Try again in {minutes} {unit}."


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str,
    now: datetime | None = None,
    limits: tuple[Limit, Limit] = (PER_ACCOUNT, PER_ADDRESS),
) -> User:
    """Check a login; raise AccountError (throttled or wrong) and record each failure.

    `limits` are the per-account and per-address limits on recent failures.
    """
    now = now or utcnow()
    name = normalise_username(username)[:40]
    per_account, per_address = limits
    since = now - max(per_account.window, per_address.window)
    recent = session.execute(
        sa.select(LoginFailure.username, LoginFailure.address, LoginFailure.at).where(
            LoginFailure.at > since,
            sa.or_(LoginFailure.username == name, LoginFailure.address == address),
        )
    ).all()
    for limit, times in (
        (per_account, [at for user, _, at in recent if user == name]),
        (per_address, [at for _, addr, at in recent if addr == address]),
    ):
        wait = wait_needed(times, limit, now)
        if wait is not None:
            raise AccountError(_wait_message(wait))

    user = find_user(session, name)
    # Verify even for unknown names, so timing does not tell which usernames exist.
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    # Hashing is slow: do it before taking the write lock.
    new_hash = hash_password(password) if ok and user and needs_rehash(user.password_hash) else None
    with write_transaction(session):
        if not (ok and user):
            session.add(LoginFailure(username=name, address=address[:64], at=now))
        else:
            session.execute(sa.delete(LoginFailure).where(LoginFailure.username == name))
            if new_hash is not None:
                user.password_hash = new_hash
    if not (ok and user):
        raise AccountError("Wrong username or password.")
    return user


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every session and remember-me cookie of this user, copied ones included."""
    with write_transaction(session):
        session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(session_version=User.session_version + 1)
        )


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    problems = password_problems(new, user.username)
    if problems:
        raise AccountError(" ".join(problems))
    new_hash = hash_password(new)
    with write_transaction(session):
        session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(password_hash=new_hash, session_version=User.session_version + 1)
        )


def load_session_user(session: Session, token: str) -> User | None:
    """Flask-Login's loader: the token is "<id>:<session version>"."""
    user_id, _, version = token.partition(":")
    user_id, version = parse_id(user_id), parse_id(version)
    if user_id is None or version is None:
        return None
    user = session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user
