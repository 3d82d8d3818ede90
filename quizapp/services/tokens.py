"""Personal access tokens for the JSON API: make one (shown once), list, revoke, and check one
presented by a program. A token is "qzp_" and 43 random URL-safe characters (256 bits); only
its SHA-256 is stored, so a copy of the database gives no working token. Refused tokens are
counted per address with the login limits' growing delays (services.accounts)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..database import write_transaction
from ..models import ApiToken, User, utcnow
from ..vocab import Role
from .accounts import count_by_address

PREFIX = "qzp_"
SCOPES = ("read", "study", "author")
SCOPE_LABELS = {
    "read": "read: banks, progress, attempts and results",
    "study": "study: take quizzes, study and grade cards, undo",
    "author": "author: check and import banks, read your classes' results (instructors)",
}
MAX_NAME = 100
MAX_ACTIVE_TOKENS = 50  # per user: enough for every device and script, not unbounded
LAST_USED_EVERY = timedelta(minutes=1)  # last use is written at most this often
REFUSED = "token"  # the kind of a refused token in the throttling table


class TokenError(ValueError):
    """A token cannot be made, found or used; the message is for the user."""


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    secret: str  # the token itself: shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def clean_scopes(scopes: Iterable[str], user: User) -> list[str]:
    """The scopes in their usual order; refuses unknown ones, none at all, and "author" for a
    user who is not an instructor or admin."""
    chosen = set(scopes)
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise TokenError(f"Unknown scope '{unknown[0]}': use {', '.join(SCOPES)}.")
    if not chosen:
        raise TokenError("Choose at least one scope.")
    if "author" in chosen and user.role not in (Role.INSTRUCTOR, Role.ADMIN):
        raise TokenError("The author scope is for instructors and admins.")
    return [scope for scope in SCOPES if scope in chosen]


def create_token(
    session: Session, user: User, name: str, scopes: Iterable[str], now: datetime | None = None
) -> NewToken:
    """Make a token for `user`; the secret is in the result and nowhere else."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("Give the token a name, such as the program that will use it.")
    if len(name) > MAX_NAME or "\x00" in name:
        raise TokenError(f"Use at most {MAX_NAME} characters for the name.")
    chosen = clean_scopes(scopes, user)
    secret = PREFIX + secrets.token_urlsafe(32)
    with write_transaction(session):
        active = session.scalar(
            sa.select(sa.func.count())
            .select_from(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
        if active >= MAX_ACTIVE_TOKENS:
            raise TokenError(f"You have {active} tokens; revoke one you no longer use first.")
        row = ApiToken(
            user_id=user.id,
            name=name,
            scopes=" ".join(chosen),
            digest=digest(secret),
            hint=secret[: len(PREFIX) + 4],
            created_at=now or utcnow(),
        )
        session.add(row)
    return NewToken(row, secret)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def all_tokens(session: Session) -> list[ApiToken]:
    """Every token with its owner, oldest first (the admin's list)."""
    return list(
        session.scalars(
            sa.select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id)
        )
    )


def revoke(
    session: Session, token_id: int, owner: User | None = None, now: datetime | None = None
) -> ApiToken | None:
    """Revoke a token (of `owner`, unless an admin's command names any); None if there is no
    such token. Revoking twice keeps the first time."""
    with write_transaction(session):
        query = sa.select(ApiToken).where(ApiToken.id == token_id).with_for_update()
        if owner is not None:
            query = query.where(ApiToken.user_id == owner.id)
        row = session.scalar(query)
        if row is not None and row.revoked_at is None:
            row.revoked_at = now or utcnow()
    return row


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The active token whose digest matches, with its owner; None otherwise."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    return session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.digest == digest(secret), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )


def authenticate(
    session: Session, secret: str, address: str, free: int, now: datetime | None = None
) -> ApiToken:
    """The token presented from `address`, or TokenError. A refused token counts against the
    address: past `free` in 15 minutes each further one waits longer (accounts.Throttled).
    A right token is never slowed, so one broken script cannot lock out a school's network."""
    token = find_token(session, secret)
    if token is not None:
        return token
    count_by_address(session, REFUSED, REFUSED, address, free, "Too many refused tokens", now)
    raise TokenError("This token is not valid: it is mistyped, revoked or unknown.")


def record_use(session: Session, token: ApiToken, now: datetime | None = None) -> bool:
    """Note that the token was used now: at most once a minute, and never failing the request
    (a read-only database still serves reads). Returns whether it was written."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    try:
        with write_transaction(session):
            written = session.execute(
                sa.update(ApiToken)
                .where(
                    ApiToken.id == token.id,
                    sa.or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at <= now - LAST_USED_EVERY,
                    ),
                )
                .values(last_used_at=now)
            )
    except (sa.exc.SQLAlchemyError, sqlite3.Error):
        session.rollback()
        return False
    return written.rowcount == 1
