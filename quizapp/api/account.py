"""Who the token belongs to, and what it may do."""

from __future__ import annotations

from pydantic import BaseModel

from .core import ANY_SCOPE, api, current_token
from .openapi import Reply
from .schemas.common import Moment


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
    token = current_token()
    user = token.user
    return TokenOwner(
        username=user.username,
        role=user.role,
        token_name=token.name,
        scopes=sorted(token.scope_set),
        token_created_at=token.created_at,
    )
