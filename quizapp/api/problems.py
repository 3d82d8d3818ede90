"""Errors as RFC 9457 problem details (application/problem+json): a type, a title, the status,
a detail for people, and, for requests and bank files that fail their checks, one located entry
per problem ("pointer" into the request body, or the file, line and column)."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
# Problem types: relative URIs (RFC 9457 allows references) named here and in the API's docs,
# each with its title and what it means.
TYPES = {
    "invalid-request": ("Invalid request", "The body or query does not match its schema."),
    "malformed-json": ("Malformed JSON", "The body is not JSON."),
    "unauthenticated": ("Not authenticated", "No bearer token, or one that is not valid."),
    "scope": (
        "Not allowed",
        "The token lacks the scope this operation needs, or its user lacks the role.",
    ),
    "throttled": ("Too many refused tokens", "Wait `retry_after` seconds, then try again."),
    "invalid-banks": ("Bank files with problems", "Each problem is located by file and line."),
    "stale": (
        "Out of date",
        "What this request was based on changed (another tab, a repeat, another import).",
    ),
    "attempt-closed": (
        "Attempt closed",
        "The attempt is submitted or its time ran out: answers can no longer change.",
    ),
    "exam-secrecy": ("Paused during an exam", "This is a question of the student's open exam."),
    "invalid-answer": ("Invalid answer", "The answer cannot be recorded as given."),
    "refused": ("Refused", "The request cannot be done as asked; the detail says why."),
    "storage": ("Storage fault", "The database cannot take this request now; nothing was saved."),
}


class ProblemItem(BaseModel):
    """One located problem: in the request (`pointer`, a JSON Pointer, or `parameter`) or in
    a bank file (`file`, `line`, `column`, `severity`)."""

    detail: str
    pointer: str | None = None
    parameter: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str | None = None


class ProblemDetails(BaseModel):
    """RFC 9457 problem details. Members beyond the standard ones say more about one kind of
    problem (`step` of a stale answer, `attempt` of a closed one, `retry_after` seconds)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", description="A URI reference naming the kind of problem.")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemItem] | None = None


def problem_type(kind: str | None) -> str:
    return "about:blank" if kind is None else f"/api/problems/{kind}"


class ApiProblem(Exception):
    """Raised by an operation to answer with a problem; `extra` adds members to it."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        kind: str | None = None,
        errors: list[ProblemItem] | None = None,
        headers: dict[str, str] | None = None,
        **extra,
    ):
        super().__init__(detail or HTTPStatus(status).phrase)
        self.problem = ProblemDetails(
            type=problem_type(kind),
            title=_title(status, kind),
            status=status,
            detail=detail,
            errors=errors,
            **extra,
        )
        self.headers = headers or {}


def _title(status: int, kind: str | None) -> str:
    return TYPES[kind][0] if kind in TYPES else HTTPStatus(status).phrase


def problem_response(problem: ProblemDetails, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        problem.model_dump_json(exclude_none=True), problem.status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def http_problem(error: HTTPException) -> Response:
    """A plain HTTP error (404, 405, 413 ...) as a problem."""
    status = error.code or 500
    detail = error.description if isinstance(error.description, str) else None
    response = problem_response(
        ProblemDetails(title=HTTPStatus(status).phrase, status=status, detail=detail)
    )
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
