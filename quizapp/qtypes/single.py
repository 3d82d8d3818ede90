"""Single answer: one of the choices is right."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Data, FormValues, GiftForm, Grade, InvalidResponse
from .choice import CHOICES, ChoiceType
from .editing import Editable, yes_no
from .helpers import first_value


class SingleChoice(ChoiceType):
    key = "single"
    label = "single-answer"
    fields = {
        "choices": CHOICES,
        "answer": {"type": ["string", "number"]},
        "shuffle": {"type": "boolean"},
    }
    required = ("choices", "answer")
    answer_key = "answer"
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

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        choice = first_value(values, "answer")
        if not choice:
            return None
        if choice not in presentation["choices"]:
            raise InvalidResponse("Choose one of the options shown.")
        return choice

    def grade(self, data: Data, response: Any) -> Grade:
        return Grade(1.0 if response == data["answer"] else 0.0)

    def answer_text(self, data: Data) -> str:
        return data["answer"]

    def sample(self, data, presentation, right, rng):
        if right:
            return data["answer"]
        return rng.choice([c for c in data["choices"] if c != data["answer"]])

    def to_gift(self, data: Data) -> GiftForm:
        return GiftForm(self.gift_choices(data, lambda c: "=" if c == data["answer"] else "~"))

    def picked(self, response: Any) -> list[str]:
        return [] if response is None else [response]

    def keyed(self, data: Data) -> set[str]:
        return {data["answer"]}

    def credit(self, data: Data, choice: str) -> float:
        return 1.0 if choice == data["answer"] else 0.0
