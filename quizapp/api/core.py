"""The API's blueprint and what every operation shares: bearer-token authentication with scopes
(never the pages' session cookie), its limits on refused tokens, and errors as problems."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..database import storage_fault
from ..errors import REASONS, RETRY_AFTER_SECONDS, STORAGE_ERRORS
from ..extensions import db, login_manager
from ..services import tokens
from ..services.accounts import Throttled
from .openapi import Api, Operation
from .problems import ApiProblem, http_problem, problem_response

bp = Blueprint("api", __name__, url_prefix="/api")
INFO = {
    "title": "quizapp API",
    "version": "1.0.0",
    "description": (
        "Quizzes, flashcards, progress and banks for programs. Authenticate with a personal "
        "access token: `Authorization: Bearer qzp_...` (make one on the account page, or "
        "`quizapp tokens create`). Scopes: **read** (banks, progress, attempts, results), "
        "**study** (quizzes, cards, undo), **author** (banks, and instructors' reports). "
        "Errors are RFC 9457 problem details (`application/problem+json`); their `type` is "
        "`/api/problems/<kind>`, one of: invalid-request, malformed-json, unauthenticated, "
        "scope, throttled, invalid-banks, stale, attempt-closed, exam-secrecy, invalid-answer, "
        "refused, storage (or about:blank for plain HTTP errors)."
    ),
}
api = Api(bp, "/v1", INFO)
# The scopes an operation accepts (any one of them will do).
ANY_SCOPE = ("read", "study", "author")
READING = ("read", "study")  # reads that a study app needs as well
STUDY, AUTHOR = ("study",), ("author",)
api.tags = [
    {"name": "account", "description": "Who the token belongs to."},
    {"name": "banks", "description": "The catalogue; checking and importing bank files."},
    {"name": "quizzes", "description": "Practice and exams, question by question."},
    {"name": "study", "description": "Flashcards: the next card, grades, undo."},
    {"name": "progress", "description": "A student's own figures."},
    {"name": "classes", "description": "A student's classes and assigned quizzes."},
    {"name": "reports", "description": "Instructors: classes taught, gradebooks, results."},
]
REALM = 'Bearer realm="quizapp"'


def client_address() -> str:
    """The client's address: ProxyFix has already replaced it when proxies are trusted."""
    return request.remote_addr or "?"


def unauthenticated(detail: str, error: str | None = None) -> ApiProblem:
    challenge = REALM + (f', error="{error}"' if error else "")
    return ApiProblem(401, detail, "unauthenticated", headers={"WWW-Authenticate": challenge})


def authenticate(operation: Operation) -> None:
    """Let the request through with a valid token that has one of the operation's scopes
    (and, for the author scope, an instructor or admin behind it); else raise a problem."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise unauthenticated("Send a personal access token: Authorization: Bearer qzp_...")
    free = current_app.config["LOGIN_FAILURES_PER_ADDRESS"]
    try:
        token = tokens.authenticate(db.session, secret, client_address(), free)
    except Throttled as exc:
        seconds = max(1, math.ceil(exc.wait.total_seconds()))
        raise ApiProblem(
            429, str(exc), "throttled", headers={"Retry-After": str(seconds)}, retry_after=seconds
        ) from None
    except tokens.TokenError as exc:
        raise unauthenticated(str(exc), "invalid_token") from None
    usable = token.scope_set & set(operation.scopes)
    if usable == {"author"} and not token.user.is_staff:
        usable = set()  # the user is no longer an instructor
    if not usable:
        needed = " or ".join(operation.scopes)
        challenge = f'{REALM}, error="insufficient_scope", scope="{" ".join(operation.scopes)}"'
        raise ApiProblem(
            403,
            f"This operation needs a token with the {needed} scope.",
            "scope",
            headers={"WWW-Authenticate": challenge},
        )
    tokens.record_use(db.session, token)
    g.api_token = token


api.authenticate = authenticate


def current_token():
    """The token that authenticated this request."""
    return g.api_token


def current_user():
    """The user whose token authenticated this request."""
    return g.api_token.user


@bp.before_request
def ignore_session_cookie():
    """The pages' login (a session or remember-me cookie) never counts here: Flask-Login sees
    an anonymous user for the whole request, so nothing a browser sends on its own
    authenticates an API call (which is also why CSRF does not apply to the API)."""
    g._login_user = login_manager.anonymous_user()


@bp.errorhandler(ApiProblem)
def answer_problem(error: ApiProblem):
    return problem_response(error.problem, error.headers)


@bp.errorhandler(HTTPException)
def answer_http_error(error: HTTPException):
    if isinstance(error, InternalServerError):
        current_app.logger.error("API error on %s %s", request.method, request.path)
    return http_problem(error)


def answer_storage_fault(error: Exception):
    fault = storage_fault(error)
    if fault is None:
        raise error
    db.session.rollback()
    saved = "Nothing was saved." if request.method not in ("GET", "HEAD") else ""
    detail = f"Can't do this right now: {REASONS[fault]}. {saved}".strip()
    problem = ApiProblem(503, detail, "storage", fault=fault).problem
    return problem_response(problem, {"Retry-After": RETRY_AFTER_SECONDS})


for _error in STORAGE_ERRORS:
    bp.register_error_handler(_error, answer_storage_fault)
