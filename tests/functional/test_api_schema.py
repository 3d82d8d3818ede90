"""Schemathesis holds the API to its own OpenAPI document, through the WSGI app: generated
requests for every operation (valid and invalid), then chains of calls that follow the
document's links. No response may be a 500, break its declared schema, status, content type
or headers, or let one user reach another user's objects."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from quizapp.api.schemas.banks import BankFiles
from tests.api_client import ApiClient, make_token
from tests.conftest import SAMPLE_BANKS, dispose, load_banks, make_app
from tests.factories import (
    enrol,
    first_card,
    make_attempt,
    make_course,
    make_quiz_assignment,
    make_review,
    make_user,
    take_assignment,
)

EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture
def world(database):
    """Banks, two students with attempts, cards and a class, an instructor teaching it and
    another who does not. The ignored-auth check sends many bad tokens: the limit on them is
    tested elsewhere."""
    app = make_app(database, LOGIN_FAILURES_PER_ADDRESS=10**6)
    load_banks(app, SAMPLE_BANKS)
    ada, bob = make_user(app, "ada"), make_user(app, "bob")
    teacher = make_user(app, "teacher", "instructor")
    other_teacher = make_user(app, "other-teacher", "instructor")
    course = make_course(app, teacher)
    enrol(app, course, ada)
    assignment = make_quiz_assignment(app, course, attempts_allowed=0)
    take_assignment(app, ada, assignment)
    make_attempt(app, ada, answers="right", submit=True)
    tokens = {
        name: make_token(app, user)
        for name, user in (("ada", ada), ("bob", bob), ("teacher", teacher),
                           ("other_teacher", other_teacher))
    }  # fmt: skip
    teacher_api = ApiClient(app, tokens["teacher"])
    upload = teacher_api.post("/uploads", json=BankFiles.model_json_schema()["examples"][0])
    yield {
        "app": app,
        **tokens,
        "owned": {  # what belongs to ada (and, for the class and upload, to teacher)
            "attempt_id": make_attempt(app, ada, answers="wrong"),
            "position": 0,
            "review_id": make_review(app, ada, first_card(app)),
            "course_id": course,
            "assignment_id": assignment,
            "upload_id": upload.get_json()["id"],
        },
    }
    dispose(app)


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


SCHEMA_REFUSALS = ("/api/problems/invalid-request", "/api/problems/malformed-json")


def schema_valid_is_not_refused(ctx, response, case) -> None:
    """Valid data may still be refused by a rule (no questions match, a bank file with
    problems: 422 with that problem's type), but never as not matching the schema."""
    if case.meta.generation.mode.is_positive and response.status_code in (400, 422):
        kind = response.json().get("type")
        assert kind not in SCHEMA_REFUSALS, f"schema-valid request refused: {response.text}"


def exercise(operation, headers: dict, mode: GenerationMode) -> None:
    """Generated requests for one operation (and the document's own examples), each response
    checked against the document."""
    examples = operation.schema.get_strategies_from_examples(operation)
    strategy = operation.as_strategy(generation_mode=mode)
    if mode.is_positive and examples:
        strategy = st.one_of(strategy, *examples)

    @given(case=strategy)
    @EXAMPLES
    def run(case):
        # Every call carries our own Authorization header, so a case made invalid in its
        # headers may reach the server valid: its acceptance proves nothing (every other
        # check still holds for it).
        excluded = [positive_data_acceptance]
        if case.meta.is_negative_at(ParameterLocation.HEADER):
            excluded.append(negative_data_rejection)
        case.call_and_validate(
            headers=headers,
            excluded_checks=excluded,
            additional_checks=[schema_valid_is_not_refused],
        )

    run()


# Invalid requests need only the teacher, whose token has every scope: a student's token
# meets the same checks, or a 403 before them (which the valid requests already cover).
CALLERS = {GenerationMode.POSITIVE: ("ada", "teacher"), GenerationMode.NEGATIVE: ("teacher",)}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_document(world, mode):
    for operation in operations(world["app"]):
        for who in CALLERS[mode]:
            exercise(operation, {"Authorization": f"Bearer {world[who]}"}, mode)


@pytest.mark.parametrize("who", ["ada", "teacher"])
def test_linked_calls_keep_the_document(world, who):
    """Chains along the document's links: start a quiz, then read its question, submit it and
    read its results; grade a card, then undo; upload banks, then preview and confirm."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world["app"])
    headers = {"Authorization": f"Bearer {world[who]}"}

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[schema_valid_is_not_refused],
                headers=headers,
            )

    Machine.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )


# Operations on someone's own objects, the path values that name them, and who tries.
INTRUDERS = {"bob": ("attempt_id", "review_id", "course_id"),
             "other_teacher": ("course_id", "upload_id")}  # fmt: skip


MISSING = 2**31 - 1  # an id no object has


def intrude(operation, path: dict, headers: dict) -> None:
    """The answer to someone else's object is a refusal, the same as for an object that does
    not exist: nothing tells the intruder that it is there."""

    @given(case=operation.as_strategy())
    @EXAMPLES
    def run(case):
        case.path_parameters.update(dict.fromkeys(path, MISSING))
        missing = case.call(headers=headers)
        case.path_parameters.update(path)
        response = case.call(headers=headers)
        assert response.status_code in (403, 404, 409), (case.operation.label, response.text)
        assert (response.status_code, response.json().get("type")) == (
            missing.status_code,
            missing.json().get("type"),
        ), case.operation.label
        case.validate_response(response, headers=headers, excluded_checks=[ignored_auth])

    run()


@pytest.mark.parametrize("intruder", sorted(INTRUDERS))
def test_nobody_reaches_another_users_objects(world, intruder):
    """Every operation that names an object, called by another user with the real id of
    someone else's object (and whatever Schemathesis puts in the rest), is refused as if the
    object did not exist, and changes nothing."""
    owned, targets = world["owned"], INTRUDERS[intruder]
    headers = {"Authorization": f"Bearer {world[intruder]}"}
    checked = []
    for operation in operations(world["app"]):
        names = {parameter.name for parameter in operation.path_parameters} & set(owned)
        if names & set(targets):
            checked.append(operation.label)
            intrude(operation, {name: owned[name] for name in names}, headers)
    assert checked  # the document still has such operations
    owner = ApiClient(world["app"], world["ada"])  # ada's objects are as she left them
    assert owner.get(f"/attempts/{owned['attempt_id']}").get_json()["step"] == 3
    assert owner.post(f"/reviews/{owned['review_id']}/undo").status_code == 200


def test_reports_never_cover_another_instructors_class(world):
    other = ApiClient(world["app"], world["other_teacher"])
    course = world["owned"]["course_id"]
    for path in ("/reports/students", "/reports/students.csv"):
        assert other.get(f"{path}?course={course}").status_code == 404
    listed = other.get("/reports/students").get_json()["students"]
    assert listed == []  # teaches no class: no students at all
