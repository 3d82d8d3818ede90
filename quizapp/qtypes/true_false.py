"""True or false."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    Data,
    FormValues,
    GiftForm,
    Grade,
    InvalidResponse,
    QuestionType,
    ResponsePart,
)
from .editing import yes_no
from .helpers import first_value

WORDS = {"true": True, "false": False}


class TrueFalse(QuestionType):
    key = "true_false"
    label = "true/false"
    fields = {"answer": {"type": "boolean"}}
    required = ("answer",)
    editable = (yes_no("answer", "Answer", None, words=("True", "False")),)

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        answer_node = reader.require(fields, "answer", node, "a true/false question")
        if answer_node is None:
            return None
        answer = reader.boolean(answer_node, "answer")
        return None if answer is None else {"answer": answer}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        choice = first_value(values, "answer")
        if choice not in ("true", "false", ""):
            raise InvalidResponse("Choose True or False.")
        return WORDS.get(choice)

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": "true" if response else "false"}

    def describe(self, response: Any) -> str:
        return "True" if response else "False"

    def grade(self, data: Data, response: Any) -> Grade:
        return Grade(1.0 if response is data["answer"] else 0.0)

    def answer_text(self, data: Data) -> str:
        return self.describe(data["answer"])

    def sample(self, data, presentation, right, rng):
        return data["answer"] if right else not data["answer"]

    def to_gift(self, data: Data) -> GiftForm:
        return GiftForm("TRUE" if data["answer"] else "FALSE")

    def _part(self, data: Data, value: bool) -> ResponsePart:
        word = self.describe(value)
        return ResponsePart("", word, word, 1.0 if value is data["answer"] else 0.0)

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [] if response is None else [self._part(data, response)]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [self._part(data, True), self._part(data, False)]
