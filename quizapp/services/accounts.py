"""Accounts: registration, login with throttling kept in the database, roles, sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

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
from ..throttling import (
    MAX_DELAY,
    REGISTRATIONS_PER_ADDRESS,
    WINDOW,
    LoginPolicy,
    RecentFailures,
    address_key,
    growing_delay,
    login_wait,
    wait_message,
)
from .report_cache import answers_changed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
LOGIN, REGISTER = "login", "register"  # kinds of counted attempts


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is for the user."""


class Throttled(AccountError):
    """Too many tries from this address: refused without a check; `wait` says for how long."""

    def __init__(self, message: str, wait: timedelta):
        super().__init__(message)
        self.wait = wait


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


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str = "student",
    address: str | None = None,
    registrations_per_address: int = REGISTRATIONS_PER_ADDRESS,
) -> User:
    """Create an account, refusing bad usernames, weak passwords and taken names.

    With an `address` (a registration from the web) the address is throttled: past
    `registrations_per_address` in 15 minutes, each further one waits longer (growing delays).
    """
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")
    name = normalise_username(username)
    problem = username_problem(name)
    if problem:
        raise AccountError(problem)
    problems = password_problems(password, name)
    if problems:
        raise AccountError(" ".join(problems))
    if address is not None:
        what = "Too many new accounts from your network"
        count_by_address(session, REGISTER, name, address, registrations_per_address, what)
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
        answers_changed(session)  # reports count students' answers only
    return user


def _lock_attempts(session: Session, now: datetime) -> None:
    """Serialise throttling decisions (inside a write transaction) and drop expired rows.

    SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL a table lock makes the
    count-then-insert atomic across servers (plain SELECTs are not blocked by it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("LOCK TABLE login_failure IN SHARE ROW EXCLUSIVE MODE"))
    session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))


def _reserve_check(
    session: Session, name: str, address: str, policy: LoginPolicy, now: datetime, what: str
) -> int:
    """Count a password check as a failure before it runs, in the transaction that decides
    whether it may run: parallel requests cannot all see the same count. Returns the row's id,
    removed again when the password turns out right."""
    with write_transaction(session):
        _lock_attempts(session, now)
        rows = session.execute(
            sa.select(LoginFailure.username, LoginFailure.address, LoginFailure.at).where(
                LoginFailure.kind == LOGIN,
                LoginFailure.at > now - policy.window,
                sa.or_(LoginFailure.username == name, LoginFailure.address == address),
            )
        ).all()
        recent = RecentFailures(
            pair=[at for user, addr, at in rows if user == name and addr == address],
            account=[at for user, _, at in rows if user == name],
            address=[at for _, addr, at in rows if addr == address],
        )
        wait = login_wait(recent, policy, now)
        if wait is not None:
            raise AccountError(wait_message(wait, what))
        reservation = LoginFailure(username=name, address=address, at=now, kind=LOGIN)
        session.add(reservation)
        session.flush()
        return reservation.id


def _clear_failures(session: Session, name: str, address: str, reservation: int) -> None:
    """A right password: forget this address's failures on this account up to this check
    (checks still in flight keep their reservations)."""
    session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.kind == LOGIN,
            LoginFailure.username == name,
            LoginFailure.address == address,
            LoginFailure.id <= reservation,
        )
    )


def count_by_address(
    session: Session,
    kind: str,
    name: str,
    address: str,
    free: int,
    what: str,
    now: datetime | None = None,
) -> None:
    """Count one event of `kind` from `address` (a registration, a refused API token); past
    `free` in the window each further one waits longer (growing delays): raises Throttled."""
    now = now or utcnow()
    address = address_key(address)
    with write_transaction(session):
        _lock_attempts(session, now)
        times = session.scalars(
            sa.select(LoginFailure.at).where(
                LoginFailure.kind == kind,
                LoginFailure.address == address,
                LoginFailure.at > now - WINDOW,
            )
        ).all()
        wait = growing_delay(times, free, WINDOW, MAX_DELAY, now)
        if wait is not None:
            raise Throttled(wait_message(wait, what), wait)
        session.add(LoginFailure(username=name[:40], address=address, at=now, kind=kind))


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str,
    now: datetime | None = None,
    policy: LoginPolicy | None = None,
) -> User:
    """Check a login; raise AccountError (throttled or wrong). See quizapp.throttling for the
    rules; the failure is recorded before the (slow) check, so the limits hold under load."""
    now = now or utcnow()
    name = normalise_username(username)[:40]
    address = address_key(address)
    policy = policy or LoginPolicy()
    reservation = _reserve_check(session, name, address, policy, now, "Too many failed logins")
    user = find_user(session, name)
    # Verify even for unknown names, so timing does not tell which usernames exist.
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    if not (ok and user):
        raise AccountError("Wrong username or password.")  # the reservation stays: a failure
    # Hashing is slow: do it before taking the write lock.
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    with write_transaction(session):
        _clear_failures(session, name, address, reservation)
        if new_hash is not None:
            user.password_hash = new_hash
    return user


def clear_login_failures(session: Session, username: str) -> int:
    """Lift every login limit on an account (a student locked out just before an exam)."""
    with write_transaction(session):
        result = session.execute(
            sa.delete(LoginFailure).where(
                LoginFailure.kind == LOGIN, LoginFailure.username == normalise_username(username)
            )
        )
    return result.rowcount


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every session and remember-me cookie of this user, copied ones included."""
    with write_transaction(session):
        session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(session_version=User.session_version + 1)
        )


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    address: str,
    now: datetime | None = None,
    policy: LoginPolicy | None = None,
) -> None:
    """Change a password after checking the current one; wrong guesses of the current password
    count against the account like failed logins (a borrowed session cannot guess freely)."""
    problems = password_problems(new, user.username)
    if problems:
        raise AccountError(" ".join(problems))
    now = now or utcnow()
    name, address = user.username, address_key(address)
    policy = policy or LoginPolicy()
    reservation = _reserve_check(session, name, address, policy, now, "Too many wrong passwords")
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    new_hash = hash_password(new)
    with write_transaction(session):
        _clear_failures(session, name, address, reservation)
        session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(password_hash=new_hash, session_version=User.session_version + 1)
        )


def reset_password(session: Session, username: str, new: str) -> User:
    """Set a forgotten password (an admin's act: no current password). Every session of the
    account ends and its failed logins are forgotten."""
    name = normalise_username(username)
    problems = password_problems(new, name)
    if problems:
        raise AccountError(" ".join(problems))
    new_hash = hash_password(new)  # slow: outside the write lock
    with write_transaction(session):
        user = find_user(session, name)
        if user is None:
            raise AccountError(f"No user named '{name}'.")
        user.password_hash = new_hash
        user.session_version += 1
    clear_login_failures(session, name)
    return user


def load_session_user(session: Session, token: str) -> User | None:
    """Flask-Login's loader: the token is "<id>:<session version>"."""
    user_id, _, version = token.partition(":")
    user_id, version = parse_id(user_id), parse_id(version)
    if user_id is None or version is None:
        return None
    user = session.scalars(_USER_BY_ID, {"id": user_id}).first()
    if user is None or user.session_version != version:
        return None
    return user


# Every request loads its user: one indexed query, built once (session.get builds its own).
_USER_BY_ID = sa.select(User).where(User.id == sa.bindparam("id"))
