"""True or false."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import NO_TEXT, Answer, MoodleQuestion, Text, feedback_map
from .base import Data, FormValues, Grade, InvalidResponse, PartReview, QuestionType, ResponsePart
from .editing import yes_no
from .feedback import FEEDBACK, RIGHT, WRONG, feedback_for, feedback_rule
from .helpers import first_value

WORDS = {"true": True, "false": False}


class TrueFalse(QuestionType):
    key = "true_false"
    label = "true/false"
    fields = {
        "answer": {"type": "boolean"},
        "feedback": {**FEEDBACK, "propertyNames": {"enum": [RIGHT, WRONG]}},
    }
    required = ("answer",)
    card_cue = "True or false?"
    moodle_types = ("truefalse",)
    editable = (yes_no("answer", "Answer", None, words=("True", "False")),)

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        answer_node = reader.require(fields, "answer", node, "a true/false question")
        if answer_node is None:
            return None
        answer = reader.boolean(answer_node, "answer")
        body: dict[str, Any] = {}
        if not feedback_rule(reader, fields, body, (RIGHT, WRONG), "right or wrong"):
            return None
        return None if answer is None else {"answer": answer, **body}

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
        right = response is data["answer"]
        note = feedback_for(data, RIGHT if right else WRONG) if response is not None else None
        return Grade(1.0 if right else 0.0, note=note)

    def answer_text(self, data: Data) -> str:
        return self.describe(data["answer"])

    def review(self, data: Data, presentation, response: Any) -> dict[str, PartReview]:
        key = "true" if data["answer"] else "false"
        if response is None:
            return {key: PartReview("answer")}
        chosen = "true" if response else "false"
        if chosen == key:
            return {key: PartReview("right")}
        return {chosen: PartReview("wrong"), key: PartReview("answer")}

    def sample(self, data, presentation, right, rng):
        return data["answer"] if right else not data["answer"]

    def to_moodle(self, data: Data) -> MoodleQuestion:
        feedback = data.get("feedback", {})

        def answer(value: bool) -> Answer:
            said = RIGHT if value is data["answer"] else WRONG
            text = Text(feedback[said]) if said in feedback else NO_TEXT
            return Answer(Text(str(value).lower()), 1.0 if value is data["answer"] else 0.0, text)

        return MoodleQuestion("truefalse", answers=[answer(True), answer(False)])

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        given = {a.text.plain().lower(): a for a in question.answers}
        if set(given) != {"true", "false"}:
            question.error("a true/false question needs a 'true' and a 'false' answer")
            return None
        answer = given["true"].fraction >= 1
        body: dict[str, Any] = {"answer": answer}
        right, wrong = given[str(answer).lower()], given[str(not answer).lower()]
        feedback = feedback_map([(RIGHT, right.feedback), (WRONG, wrong.feedback)], question)
        if feedback:
            body["feedback"] = feedback
        return body

    def _part(self, data: Data, value: bool) -> ResponsePart:
        word = self.describe(value)
        return ResponsePart("", word, word, 1.0 if value is data["answer"] else 0.0)

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [] if response is None else [self._part(data, response)]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [self._part(data, True), self._part(data, False)]
