"""Who the token belongs to, and what it may do."""

from __future__ import annotations

from flask import g
from pydantic import BaseModel

from .core import api, current_user
from .openapi import Reply
from .schemas.common import Moment

ANY_SCOPE = ("read", "study", "author")


class TokenOwner(BaseModel):
    username: str
    role: str
    token_name: str
    scopes: list[str]
    token_created_at: Moment


@api.operation(
    "GET", "/me", tag="account", scopes=ANY_SCOPE, replies={200: Reply("You", TokenOwner)}
)
def me():
    """The token's user and scopes"""
    user, token = current_user(), g.api_token
    return TokenOwner(
        username=user.username,
        role=user.role,
        token_name=token.name,
        scopes=sorted(token.scope_set),
        token_created_at=token.created_at,
    )
