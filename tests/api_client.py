"""Calling the JSON API as a program would: a token made through the service, then plain HTTP
with `Authorization: Bearer` through Flask's test client (no cookie, no CSRF token)."""

from __future__ import annotations

from quizapp.extensions import db
from quizapp.models import User
from quizapp.services import tokens

BASE = "/api/v1"


def make_token(app, user: User, *scopes: str, name: str = "tests") -> str:
    """A personal access token of `user` with these scopes (by default every scope the user
    may have: read and study, and author for staff)."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        chosen = scopes or [s for s in tokens.SCOPES if s != "author" or owner.is_staff]
        return tokens.create_token(db.session, owner, name, chosen).secret


class ApiClient:
    """A program holding one token (or none)."""

    def __init__(self, app, token: str | None = None):
        self.client = app.test_client()
        self.token = token

    def headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **kwargs):
        return self.client.get(BASE + path, headers=self.headers(kwargs.pop("headers", None)),
                               **kwargs)  # fmt: skip

    def post(self, path: str, json=None, **kwargs):
        headers = self.headers(kwargs.pop("headers", None))
        if json is None and "data" not in kwargs:
            return self.client.post(BASE + path, headers=headers, **kwargs)
        return self.client.post(BASE + path, json=json, headers=headers, **kwargs)
