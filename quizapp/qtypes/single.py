"""Single answer: one of the choices is right. `fractions` may give other choices part of the
mark, as Moodle does (a wrong pick never scores below 0 here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Data, FormValues, Grade, InvalidResponse
from .choice import CHOICES, FRACTIONS, ChoiceType
from .editing import Editable, yes_no
from .feedback import FEEDBACK, feedback_for
from .helpers import first_value


class SingleChoice(ChoiceType):
    key = "single"
    label = "single-answer"
    fields = {
        "choices": CHOICES,
        "answer": {"type": ["string", "number"]},
        "shuffle": {"type": "boolean"},
        "fractions": {
            **FRACTIONS,
            "description": "Percent earned for picking each choice: the answer 100, the "
            "others up to 100. Every choice is listed.",
        },
        "feedback": FEEDBACK,
    }
    required = ("choices", "answer")
    answer_key = "answer"
    single = True
    editable = (
        Editable("choices", "Choices", "lines", "One per line."),
        Editable("answer", "Right answer", "text", "Exactly as one of the choices."),
        yes_no("shuffle", "Shuffle the choices", True),
    )

    def read_key(self, reader, node):
        value = reader.text(node, "answer")
        return None if value is None else [(value, node)]

    def key_value(self, keyed):
        return keyed[0][0]

    def check_fractions(self, reader, node, body, percents) -> bool:
        if percents[body["answer"]] != 100:
            reader.error(node, f"the fraction of the answer '{body['answer']}' must be 100")
            return False
        negative = [c for c, p in percents.items() if p < 0]
        if negative:
            reader.warning(
                node,
                f"picking '{negative[0]}' scores 0, not {percents[negative[0]]:g}%: a question "
                "never scores below 0 here (Moodle would take marks off)",
            )
        return True

    def percents(self, data: Data) -> dict[str, float]:
        given = data.get("fractions")
        return given or {c: 100.0 if c == data["answer"] else 0.0 for c in data["choices"]}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        choice = first_value(values, "answer")
        if not choice:
            return None
        if choice not in presentation["choices"]:
            raise InvalidResponse("Choose one of the options shown.")
        return choice

    def grade(self, data: Data, response: Any) -> Grade:
        if response is None:
            return Grade(0.0)
        given = data.get("fractions")
        earned = (
            max(0.0, given.get(response, 0.0) / 100) if given else float(response == data["answer"])
        )
        return Grade(earned, note=feedback_for(data, response))

    def answer_text(self, data: Data) -> str:
        return data["answer"]

    def sample(self, data, presentation, right, rng):
        if right:
            return data["answer"]
        return rng.choice([c for c in data["choices"] if c != data["answer"]])

    def picked(self, response: Any) -> list[str]:
        return [] if response is None else [response]

    def keyed(self, data: Data) -> set[str]:
        return {c for c, p in self.percents(data).items() if p >= 100}

    def read_fractions(self, question, choices, percents):
        best = [c for c, p in percents.items() if p >= 100]
        if not best:
            question.error(
                "no answer is worth 100%: give the right answer = (or a fraction of 100%)"
            )
            return None
        body: dict[str, Any] = {"choices": choices, "answer": best[0]}
        if any(p != 0 for c, p in percents.items() if c != best[0]):
            body["fractions"] = percents  # partial credit, several right answers or penalties
        return body
