"""A small adapter between Flask and Pydantic v2, and the OpenAPI 3.1 document made from it.

Each operation declares its query, body and responses as Pydantic models. The adapter parses
the query (lax: every value arrives as text) and the JSON body (strict: a number must be a JSON
number) with those models and answers 400/415/422 problems when they do not fit; it checks what
the operation returns against the model declared for that status, as serialised, so a response
that breaks its own schema fails loudly instead of reaching a client. The document is built
from the same declarations: Pydantic writes JSON Schema 2020-12, the dialect of OpenAPI 3.1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from flask import Blueprint, Response, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from ..ids import MAX_ID
from .problems import PROBLEM_JSON, ApiProblem, ProblemDetails, ProblemItem

JSON = "application/json"
CSV = "text/csv"
SECURITY = "bearer"
RULE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    None: {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^/\\x00]+$"},
}
# The problems an operation may answer besides its own, and when.
PROBLEMS = {
    400: "The request could not be read (bad JSON, a NUL character).",
    401: "No valid bearer token: see `WWW-Authenticate`.",
    403: "The token lacks the scope, or its user the role, this operation needs.",
    404: "There is no such thing, or it belongs to someone else.",
    413: "The body is too large.",
    409: "The request conflicts with the current state (stale, closed, paused): see `type`.",
    415: "The body is not sent as application/json.",
    422: "The body or query does not match its schema (`errors` locates each problem), or the "
    "request cannot be done as asked: see `type`.",
    429: "Too many refused tokens from this address; `Retry-After` says how long to wait.",
    503: "The database cannot take this request now; nothing was saved.",
}


@dataclass(frozen=True)
class Reply:
    """One declared response: a JSON model, or (model None) CSV text."""

    description: str
    model: type[BaseModel] | None = None
    links: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def media(self) -> str:
        return CSV if self.model is None else JSON


@dataclass(frozen=True)
class Csv:
    text: str
    filename: str


@dataclass
class Operation:
    method: str
    rule: str
    name: str
    summary: str
    description: str
    tag: str
    scopes: tuple[str, ...]  # any one of them will do; () for a public operation
    replies: dict[int, Reply]
    problems: tuple[int, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None

    @property
    def path_parameters(self) -> list[tuple[str, str | None]]:
        return [(name, converter or None) for converter, name in RULE_PARAMETER.findall(self.rule)]

    @property
    def all_problems(self) -> list[int]:
        codes = set(self.problems)
        if self.scopes:
            codes |= {400, 401, 403, 429, 503}
        if self.path_parameters:
            codes |= {400, 404}
        if self.query is not None:
            codes |= {400, 422}
        if self.body is not None:
            codes |= {400, 413, 415, 422}
        return sorted(codes)


Result = BaseModel | Csv | tuple


class Api:
    """Operations on a blueprint, under `prefix`; `authenticate(operation)` (set by the app)
    runs before each operation that has scopes and raises ApiProblem to refuse it."""

    def __init__(self, blueprint: Blueprint, prefix: str, info: dict[str, Any]):
        self.blueprint = blueprint
        self.prefix = prefix
        self.info = info
        self.tags: list[dict[str, str]] = []
        self.operations: list[Operation] = []
        self.authenticate: Callable[[Operation], None] | None = None
        self._document: dict[str, Any] | None = None

    def operation(
        self,
        method: str,
        rule: str,
        *,
        tag: str,
        replies: dict[int, Reply],
        scopes: tuple[str, ...] = (),
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        problems: tuple[int, ...] = (),
    ):
        """Register the decorated function as an operation. It receives the path's values,
        `query` and `body` (validated models), and returns a model (the one 2xx reply), a
        Csv, or (status, model[, headers])."""

        def decorate(func: Callable[..., Result]):
            summary, _, description = (func.__doc__ or func.__name__).strip().partition("\n")
            operation = Operation(
                method.upper(), rule, func.__name__, summary.strip(), description.strip(), tag,
                scopes, replies, problems, body, query,
            )  # fmt: skip
            self.operations.append(operation)

            def view(**path):
                return self.call(operation, func, path)

            self.blueprint.add_url_rule(
                self.prefix + rule, func.__name__, view, methods=[operation.method]
            )
            return func

        return decorate

    def call(self, operation: Operation, func, path: dict[str, Any]) -> Response:
        if operation.scopes:
            if self.authenticate is None:  # fail closed: never serve a scoped operation open
                raise RuntimeError("no authentication set for scoped operations")
            self.authenticate(operation)
        arguments = dict(path)
        if operation.query is not None:
            arguments["query"] = parse_query(operation.query)
        if operation.body is not None:
            arguments["body"] = parse_body(operation.body)
        return reply(operation, func(**arguments))

    def document(self) -> dict[str, Any]:
        if self._document is None:
            self._document = build_document(self)
        return self._document


def _is_list(annotation) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


def parse_query(model: type[BaseModel]) -> BaseModel:
    data: dict[str, Any] = {}
    for name, values in request.args.lists():
        info = model.model_fields.get(name)
        data[name] = values if info is None or _is_list(info.annotation) else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            ProblemItem(detail=error["msg"], parameter=".".join(map(str, error["loc"])))
            for error in exc.errors(include_url=False)
        ]
        detail = "The query does not match its schema."
        raise ApiProblem(422, detail, "invalid-request", errors) from None


def pointer(location: tuple) -> str:
    """A JSON Pointer (as a URI fragment) to a place in the body."""
    parts = (str(part).replace("~", "~0").replace("/", "~1") for part in location)
    return "#/" + "/".join(parts)


def parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != JSON:
        raise ApiProblem(415, "Send the body as JSON, with Content-Type: application/json.")
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise ApiProblem(400, "The body is not valid JSON.", "malformed-json") from None
        items = [ProblemItem(detail=e["msg"], pointer=pointer(e["loc"])) for e in errors]
        detail = "The body does not match its schema."
        raise ApiProblem(422, detail, "invalid-request", items) from None


def reply(operation: Operation, result: Result) -> Response:
    """The operation's result as a response, checked against what it declares."""
    headers: dict[str, str] = {}
    if isinstance(result, tuple):
        status, value, *rest = result
        headers = rest[0] if rest else {}
    else:
        status = min(code for code in operation.replies if code < 300)
        value = result
    declared = operation.replies.get(status)
    if declared is None:
        raise RuntimeError(f"{operation.name} answered {status}, which it does not declare")
    headers = {"Cache-Control": "no-store", **headers}
    if isinstance(value, Csv):
        if declared.model is not None:
            raise TypeError(f"{operation.name} declares JSON for {status}, not CSV")
        disposition = f'attachment; filename="{value.filename}"'
        headers["Content-Disposition"] = disposition
        return Response(value.text, status, mimetype=CSV, headers=headers)
    if declared.model is None or not isinstance(value, declared.model):
        raise TypeError(f"{operation.name} must answer {status} with {declared.model}")
    text = value.model_dump_json(warnings="error")
    # What is sent must parse as the declared model (a model_construct() or a wrong nested
    # object would otherwise slip through).
    declared.model.model_validate_json(text)
    return Response(text, status, mimetype=JSON, headers=headers)


def openapi_path(rule: str) -> str:
    return RULE_PARAMETER.sub(lambda match: "{" + match.group(2) + "}", rule)


def _models(api: Api) -> list[tuple[type[BaseModel], str]]:
    pairs: dict[tuple[type[BaseModel], str], None] = {(ProblemDetails, "serialization"): None}
    for op in api.operations:
        for model in (op.body, op.query):
            if model is not None:
                pairs[model, "validation"] = None
        for declared in op.replies.values():
            if declared.model is not None:
                pairs[declared.model, "serialization"] = None
    return list(pairs)


def _parameters(op: Operation, schemas: dict[str, Any], refs) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS[converter]}
        for name, converter in op.path_parameters
    ]
    if op.query is not None:
        model = schemas[_name(refs[op.query, "validation"])]
        required = set(model.get("required", []))
        for name, schema in model["properties"].items():
            parameter = {"name": name, "in": "query", "required": name in required}
            if "description" in schema:
                parameter["description"] = schema["description"]
            parameters.append({**parameter, "schema": _without_null(schema)})
    return parameters


def _name(ref: dict[str, str]) -> str:
    return ref["$ref"].rsplit("/", 1)[-1]


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: absent is how a query says "none", so null is dropped."""
    skipped = ("title", "description")
    schema = {k: v for k, v in schema.items() if k not in skipped and v is not None}
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1:
        schema.pop("anyOf")
        schema.update(options[0])
    return schema


def _responses(op: Operation, refs) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, declared in sorted(op.replies.items()):
        schema = (
            {"type": "string"} if declared.model is None else refs[declared.model, "serialization"]
        )
        response: dict[str, Any] = {
            "description": declared.description,
            "content": {declared.media: {"schema": schema}},
        }
        if declared.links:
            response["links"] = declared.links
        responses[str(status)] = response
    problem = {PROBLEM_JSON: {"schema": refs[ProblemDetails, "serialization"]}}
    for status in op.all_problems:
        responses.setdefault(str(status), {"description": PROBLEMS[status], "content": problem})
    return responses


def build_document(api: Api) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation, its schemas as components."""
    refs, definitions = models_json_schema(
        _models(api), ref_template="#/components/schemas/{model}"
    )
    schemas = definitions.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for op in api.operations:
        item: dict[str, Any] = {
            "operationId": op.name,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": _parameters(op, schemas, refs),
            "responses": _responses(op, refs),
            "security": [{SECURITY: [scope]} for scope in op.scopes],
        }
        if op.description:
            item["description"] = op.description
        if op.body is not None:
            item["requestBody"] = {
                "required": True,
                "content": {JSON: {"schema": refs[op.body, "validation"]}},
            }
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = item
    for op in api.operations:  # a query is described by its parameters, not as a schema
        if op.query is not None:
            schemas.pop(_name(refs[op.query, "validation"]), None)
    return {
        "openapi": "3.1.0",
        "info": api.info,
        "servers": [{"url": (api.blueprint.url_prefix or "") + api.prefix}],
        "tags": api.tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                SECURITY: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (qzp_...) from the account page or "
                    "`quizapp tokens create`; each operation names the scopes that may call it.",
                }
            },
        },
    }
