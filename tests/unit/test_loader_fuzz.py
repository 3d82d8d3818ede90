"""Whatever text arrives, the loader returns banks or located errors: never an exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp import qtypes
from quizapp.banks.loader import load_text

QUESTION_TYPES = qtypes.type_names()

KEYS = st.sampled_from(
    ["bank", "questions", "cards", "id", "type", "prompt", "choices", "answer", "answers",
     "items", "pairs", "text", "range", "tolerance", "card", "front", "back", "tags", "points"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(QUESTION_TYPES), st.just("[[blank]]"),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


def assert_located(text: str) -> None:
    result = load_text(text, "fuzz.yaml")
    for problem in result.problems:
        assert problem.location.line >= 1 and problem.location.column >= 1
        assert problem.severity in ("error", "warning")
        assert problem.message
    if not result.errors:
        assert result.banks, "no errors means at least one bank"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text(text):
    assert_located(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_arbitrary_yaml_structures(value):
    assert_located(yaml.safe_dump(value, allow_unicode=True))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.sampled_from(QUESTION_TYPES))
def test_bank_shaped_documents(question, question_type):
    question = {"id": "q", "type": question_type, **question}
    document = {"bank": {"id": "b", "title": "B"}, "questions": [question]}
    assert_located(yaml.safe_dump(document, allow_unicode=True))
