"""The JSON API under /api/v1 (issue 19): bearer tokens with scopes, request and response
models validated by Pydantic, the OpenAPI 3.1 document made from them, and its docs page.
Every operation calls the same services as the pages, so the same rules hold."""

from __future__ import annotations

from flask import Flask

from ..extensions import csrf
from . import account, banks, docs, progress, quizzes, reports, study  # noqa: F401  (operations)
from .core import api, bp

__all__ = ["api", "bp", "register"]


def register(app: Flask) -> None:
    """Register the blueprint. Requests authenticate with a bearer token, never a cookie, so
    the pages' CSRF protection does not apply to them (and is lifted for this blueprint only)."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
