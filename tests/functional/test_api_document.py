"""The OpenAPI document: valid OpenAPI 3.1, served without a token, describing every route of
/api/v1; the adapter that builds it refuses to send what it does not declare; errors are
problem details everywhere under /api; the docs page is local files under the strict CSP."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, Flask
from openapi_spec_validator import validate
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from quizapp import CONTENT_SECURITY_POLICY
from quizapp.api import api
from quizapp.api.openapi import Api, Reply
from quizapp.api.problems import PROBLEM_JSON
from tests.api_client import ApiClient, make_token
from tests.factories import make_user


@pytest.fixture
def document(client):
    answer = client.get("/api/v1/openapi.json")  # no token needed
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)  # raises on any problem, the schemas' JSON Schema included
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_route_is_described_with_its_scopes_and_errors(app, document):
    """A route added beside the adapter (a plain @bp.route) would be missing here."""
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_document"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == described and len(described) == len(api.operations)
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["summary"] and operation["tags"] and operation["security"]
            for scope in operation["security"]:
                assert set(scope["bearer"]) <= {"read", "study", "author"}
            assert PROBLEM_JSON in operation["responses"]["401"]["content"]


class Out(BaseModel):
    n: int


class Other(BaseModel):
    n: int


@pytest.fixture
def strict_app():
    """A throwaway app with operations that break their own declarations."""
    blueprint = Blueprint("probe", __name__, url_prefix="/probe")
    probe = Api(blueprint, "", {"title": "probe", "version": "0"})
    ok = {200: Reply("", Out)}

    @probe.operation("GET", "/status", tag="t", replies=ok)
    def undeclared_status():
        """A status it does not declare"""
        return 201, Out(n=1)

    @probe.operation("GET", "/model", tag="t", replies=ok)
    def wrong_model():
        """A model it does not declare"""
        return Other(n=1)

    @probe.operation("GET", "/constructed", tag="t", replies=ok)
    def unchecked():
        """A model built without validation"""
        return Out.model_construct(n="not a number")

    app = Flask(__name__)
    app.config["TESTING"] = True
    app.register_blueprint(blueprint)
    return app.test_client()


def test_the_adapter_never_sends_what_it_does_not_declare(strict_app):
    with pytest.raises(RuntimeError, match="does not declare"):
        strict_app.get("/probe/status")
    with pytest.raises(TypeError):
        strict_app.get("/probe/model")
    with pytest.raises(PydanticSerializationError):
        strict_app.get("/probe/constructed")


def test_errors_under_api_are_problem_details(app):
    program = ApiClient(app, make_token(app, make_user(app, "caller")))
    for answer, status in (
        (program.client.get("/api/v1/no-such-thing"), 404),
        (program.client.delete("/api/v1/banks"), 405),
        (program.get("/attempts/99"), 404),
        (program.get("/banks/a%00b"), 400),
        (program.post("/quizzes", data="x" * 300_000, content_type="application/json"), 413),
    ):
        assert answer.status_code == status
        assert answer.mimetype == PROBLEM_JSON
        assert answer.get_json()["status"] == status
    assert "GET" in program.client.delete("/api/v1/banks").headers["Allow"]


def test_the_docs_page_is_local_files_under_the_strict_policy(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "http://" not in html and "https://" not in html and "<script>" not in html
    assert "style=" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        served = client.get(f"/api/docs/assets/{asset}")
        assert served.status_code == 200 and len(served.data) > 10_000
        served.close()
    assert client.get("/api/docs/assets/index.html").status_code == 404
