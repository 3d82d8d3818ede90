"""Short answer: typed text, compared with the accepted answers the forgiving way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..banks.gift.syntax import escape
from .base import Data, FormValues, GiftForm, Grade, QuestionType
from .helpers import (
    MAX_TEXT_ANSWER,
    TEXT_LIST,
    accepted_answers,
    bounded,
    first_value,
    matches_text,
)


class ShortAnswer(QuestionType):
    key = "short"
    label = "short-answer"
    fields = {
        "answers": {**TEXT_LIST, "minItems": 1},
        "pattern": {"type": "string", "format": "regex"},
    }
    required = ("answers",)
    gift_drops = ("pattern",)

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        answers_node = reader.require(fields, "answers", node, "a short-answer question")
        answers = accepted_answers(reader, answers_node, "answers") if answers_node else None
        body: dict[str, Any] = {}
        pattern_ok = True
        if "pattern" in fields:
            pattern_node = fields["pattern"][1]
            pattern = reader.text(pattern_node, "pattern")
            pattern_ok = pattern is not None
            if pattern is not None:
                try:
                    re.compile(pattern, re.IGNORECASE)
                    body["pattern"] = pattern
                except re.error as exc:
                    reader.error(pattern_node, f"pattern is not a valid regular expression: {exc}")
                    pattern_ok = False
        if answers is None or not pattern_ok:
            return None
        return {"answers": answers, **body}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        return bounded(first_value(values, "answer"), MAX_TEXT_ANSWER) or None

    def grade(self, data: Data, response: Any) -> Grade:
        ok = matches_text(str(response or ""), data["answers"], data.get("pattern"))
        return Grade(1.0 if ok else 0.0)

    def answer_text(self, data: Data) -> str:
        return data["answers"][0]

    def sample(self, data, presentation, right, rng):
        return data["answers"][0] if right else "not sure"

    def to_gift(self, data: Data) -> GiftForm:
        return GiftForm(" ".join("=" + escape(answer) for answer in data["answers"]))
