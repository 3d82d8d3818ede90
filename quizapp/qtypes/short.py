"""Short answer: typed text, judged the way a fair instructor would (qtypes/textmatch.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..banks.gift.syntax import escape
from .base import BankEdit, Data, FormValues, GiftForm, Grade, QuestionType, ResponsePart
from .editing import Editable, yes_no
from .helpers import (
    MAX_TEXT_ANSWER,
    TEXT_LIST,
    TEXT_RULES,
    accepted_answers,
    bounded,
    first_value,
    pattern_rule,
    text_rules,
)
from .textmatch import TextKey, judge, normalise


def text_key(data: Data) -> TextKey:
    return TextKey(
        answers=data["answers"],
        reject=data.get("reject", ()),
        pattern=data.get("pattern"),
        typos=data.get("typos", True),
        context=data.get("prompt") or "",
        background=data.get("explanation") or "",
    )


class ShortAnswer(QuestionType):
    key = "short"
    label = "short-answer"
    fields = {
        "answers": {**TEXT_LIST, "minItems": 1},
        "pattern": {
            "type": "string",
            "format": "regex",
            "description": "RE2 syntax, matched (whole, any case) against the normalised answer.",
        },
        **TEXT_RULES,
    }
    required = ("answers",)
    gift_drops = ("pattern", "reject", "typos")
    overridable = True
    editable = (
        Editable("answers", "Accepted answers", "lines", "One per line; the first is the key."),
        Editable("reject", "Rejected answers", "lines", "Near misses that stay wrong."),
        Editable("pattern", "Pattern", "text", "RE2, matched against the whole answer."),
        yes_no("typos", "Forgive typos", True),
    )

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        answers_node = reader.require(fields, "answers", node, "a short-answer question")
        answers = accepted_answers(reader, answers_node, "answers") if answers_node else None
        body: dict[str, Any] = {}
        pattern_ok = pattern_rule(reader, fields, body)
        rules_ok = text_rules(reader, fields, body, answers or [])
        if answers is None or not pattern_ok or not rules_ok:
            return None
        return {"answers": answers, **body}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        return bounded(first_value(values, "answer"), MAX_TEXT_ANSWER) or None

    def grade(self, data: Data, response: Any) -> Grade:
        verdict = judge(str(response or ""), text_key(data))
        return Grade(1.0 if verdict.right else 0.0, note=verdict.note)

    def answer_text(self, data: Data) -> str:
        return data["answers"][0]

    def sample(self, data, presentation, right, rng):
        return data["answers"][0] if right else "not sure"

    def to_gift(self, data: Data) -> GiftForm:
        return GiftForm(" ".join("=" + escape(answer) for answer in data["answers"]))

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        if response is None:
            return []
        return [ResponsePart("", normalise(str(response)), str(response).strip())]

    def bank_edit(self, data: Data, part: str, text: str, accept: bool) -> BankEdit | None:
        return BankEdit("answers" if accept else "reject", text)
