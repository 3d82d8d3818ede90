"""Multiple answer: tick every right choice; wrong ticks cost what right ones earn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Data, FormValues, GiftForm, Grade, InvalidResponse, PartMark
from .choice import CHOICES, ChoiceType
from .helpers import TEXT_LIST


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


class MultipleChoice(ChoiceType):
    key = "multiple"
    label = "multiple-answer"
    fields = {
        "choices": CHOICES,
        "answers": {**TEXT_LIST, "minItems": 1},
        "shuffle": {"type": "boolean"},
    }
    required = ("choices", "answers")
    answer_key = "answers"

    def read_key(self, reader, node):
        return reader.text_list(node, "answers")

    def key_value(self, keyed):
        return [value for value, _ in keyed]

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        shown = presentation["choices"]
        chosen = [v for v in values("answer") if v]
        if len(chosen) > len(shown) or any(v not in shown for v in chosen):
            raise InvalidResponse("Choose among the options shown.")
        return sorted(set(chosen), key=shown.index) or None

    def posted_values(self, values: FormValues, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": values("answer")[: len(presentation["choices"])]}

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": list(response)}

    def describe(self, response: Any) -> str:
        return "\n".join(f"- {item}" for item in response)

    def grade(self, data: Data, response: Any) -> Grade:
        chosen = set(response or [])
        right = set(data["answers"])
        k = len(right)
        earned = len(chosen & right) / k - len(chosen - right) / k
        parts = tuple(
            PartMark(choice, (choice in right) == (choice in chosen)) for choice in data["choices"]
        )
        return Grade(max(0.0, earned), parts)

    def answer_text(self, data: Data) -> str:
        return "\n".join(f"- {answer}" for answer in data["answers"])

    def sample(self, data, presentation, right, rng):
        if right:
            return list(data["answers"])
        wrong = [c for c in data["choices"] if c not in data["answers"]]
        return sorted({*data["answers"][:-1], *rng.sample(wrong, min(1, len(wrong)))})

    def to_gift(self, data: Data) -> GiftForm:
        share = _percent(100 / len(data["answers"]))
        return GiftForm(
            self.gift_choices(
                data, lambda c: f"~%{share}%" if c in data["answers"] else f"~%-{share}%"
            )
        )

    def picked(self, response: Any) -> list[str]:
        return list(response or [])

    def keyed(self, data: Data) -> set[str]:
        return set(data["answers"])
