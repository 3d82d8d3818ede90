"""Ordering: put the items in the right order, one select per position."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import Answer, MoodleQuestion, Text
from .base import (
    Data,
    FormValues,
    Grade,
    InvalidResponse,
    PartMark,
    PartReview,
    QuestionType,
    ResponsePart,
)
from .editing import Editable
from .helpers import TEXT_LIST, first_value, shuffled_avoiding

MIN_ITEMS = 3  # two items would always be shown swapped, which gives the answer away
# How quizapp shows and grades an ordering, in the terms of Moodle's ordering question type
# (qtype_ordering): every item, one share per item in its right position.
MOODLE_OPTIONS = {
    "layouttype": "VERTICAL",
    "selecttype": "ALL",
    "gradingtype": "ABSOLUTE_POSITION",
    "showgrading": "SHOW",
    "numberingstyle": "none",
}


class Ordering(QuestionType):
    key = "ordering"
    label = "ordering"
    fields = {"items": {**TEXT_LIST, "minItems": MIN_ITEMS}}
    required = ("items",)
    options_beside_prompt = True
    moodle_types = ("ordering",)
    part_label = "Position"
    editable = (Editable("items", "Items", "lines", "One per line, in the right order."),)

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        items_node = reader.require(fields, "items", node, "an ordering question")
        items = reader.text_list(items_node, "items", min_items=2) if items_node else None
        if items is None:
            return None
        if len(items) < MIN_ITEMS:
            reader.error(
                items_node,
                f"an ordering question needs at least {MIN_ITEMS} items: with {len(items)}, "
                "the shuffled order always shows them swapped (ask a single-answer or "
                "true/false question instead)",
            )
            return None
        return {"items": [value for value, _ in items]}

    def present(self, data: Data, rng: random.Random) -> dict[str, Any]:
        # Uniform among the wrong orders: never the answer, and no order is more likely.
        items = list(data["items"])
        return {"items": shuffled_avoiding(items, rng, lambda order: order == items)}

    def field_names(self, presentation: Mapping[str, Any]) -> list[str]:
        return [f"order-{i}" for i in range(len(presentation["items"]))]

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        items = presentation["items"]
        chosen = [first_value(values, name) for name in self.field_names(presentation)]
        if not any(chosen):
            return None
        if any(c and c not in items for c in chosen):
            raise InvalidResponse("Choose among the items shown.")
        placed = [c for c in chosen if c]
        if len(placed) != len(set(placed)):
            raise InvalidResponse("Put each item in one position only.")
        return chosen

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {f"order-{i}": item for i, item in enumerate(response)}

    def describe(self, response: Any) -> str:
        return "\n".join(f"{n}. {item or '—'}" for n, item in enumerate(response, start=1))

    def grade(self, data: Data, response: Any) -> Grade:
        items = data["items"]
        given = list(response or [])
        parts = tuple(
            PartMark(str(index + 1), index < len(given) and given[index] == item)
            for index, item in enumerate(items)
        )
        return Grade(sum(part.right for part in parts) / len(items), parts)

    def answer_text(self, data: Data) -> str:
        return "\n".join(f"{n}. {item}" for n, item in enumerate(data["items"], start=1))

    def review(self, data: Data, presentation, response: Any) -> dict[str, PartReview]:
        """Each position: right, or wrong with the item that belongs there."""
        given = list(response or [])
        marks = {}
        for index, item in enumerate(data["items"]):
            right = index < len(given) and given[index] == item
            marks[f"order-{index}"] = PartReview("right") if right else PartReview("wrong", item)
        return marks

    def sample(self, data, presentation, right, rng):
        items = list(data["items"])
        if not right:
            items[0], items[-1] = items[-1], items[0]
        return items

    def to_moodle(self, data: Data) -> MoodleQuestion:
        items = [Answer(Text(item, "plain"), 1.0) for item in data["items"]]
        options = {**MOODLE_OPTIONS, "selectcount": str(len(items))}
        return MoodleQuestion("ordering", answers=items, options=options)

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        items = [answer.text.plain() for answer in question.answers]
        grading = question.options.get("gradingtype", "")
        if grading != MOODLE_OPTIONS["gradingtype"]:
            question.warn(
                f"Moodle grades this ordering by {grading or 'its default'}; quizapp gives one "
                "share per item in its right position (ABSOLUTE_POSITION)"
            )
        count = question.options.get("selectcount", "")
        shown = int(count) if count.isdigit() else len(items)
        if question.options.get("selecttype") != "ALL" and shown < len(items):
            question.warn(f"Moodle shows {shown} of the {len(items)} items; quizapp shows them all")
        return {"items": items}

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [
            ResponsePart(str(n), item, item)
            for n, item in enumerate(response or [], start=1)
            if item
        ]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [
            ResponsePart(str(n), item, item, 1.0) for n, item in enumerate(data["items"], start=1)
        ]
