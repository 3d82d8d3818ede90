"""What single- and multiple-answer questions share: choices, their shuffle, counted picks."""

from __future__ import annotations

import random
from typing import Any

from ..banks.gift.syntax import escape
from ..banks.yamlnodes import suggest
from .base import Data, QuestionType, ResponsePart
from .helpers import TEXT_LIST, shuffle_setting, shuffled

CHOICES = {**TEXT_LIST, "minItems": 2}


def pick(reader, value: str, answer_node, choices: list[str], key: str) -> bool:
    """Whether `value` is one of the choices; a located error (with a hint) if not."""
    if value in choices:
        return True
    near = [c for c in choices if c.strip().casefold() == value.strip().casefold()]
    hint = f" (did you mean '{near[0]}'?)" if near else suggest(value, choices)
    reader.error(answer_node, f"{key} '{value}' is not one of the choices{hint}")
    return False


class ChoiceType(QuestionType):
    """Choices shown as radio buttons or checkboxes; the key is one choice or several."""

    answer_key: str  # "answer" or "answers"
    options_beside_prompt = True
    gift_drops = ("shuffle",)

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        what = f"a {self.label} question"
        choices_node = reader.require(fields, "choices", node, what)
        choices = reader.text_list(choices_node, "choices", min_items=2) if choices_node else None
        key_node = reader.require(fields, self.answer_key, node, what)
        keyed = self.read_key(reader, key_node) if key_node is not None else None
        body: dict[str, Any] = {}
        shuffle_ok = shuffle_setting(reader, fields, body)
        if choices is None or keyed is None:
            return None
        texts = [text for text, _ in choices]
        picked = [pick(reader, value, item, texts, "answer") for value, item in keyed]
        if not all(picked) or not shuffle_ok:
            return None
        return {"choices": texts, self.answer_key: self.key_value(keyed), **body}

    def read_key(self, reader, node) -> list[tuple[str, Any]] | None:
        raise NotImplementedError

    def key_value(self, keyed: list[tuple[str, Any]]) -> Any:
        raise NotImplementedError

    def present(self, data: Data, rng: random.Random) -> dict[str, Any]:
        choices = list(data["choices"])
        return {"choices": shuffled(choices, rng) if data.get("shuffle", True) else choices}

    def categories(self, data: Data) -> list[str] | None:
        return list(data["choices"])

    def gift_choices(self, data: Data, mark) -> str:
        return " ".join(mark(choice) + escape(choice) for choice in data["choices"])

    def credit(self, data: Data, choice: str) -> float:
        """What picking `choice` earns (a fraction of the question's points)."""
        raise NotImplementedError

    def _part(self, data: Data, choice: str) -> ResponsePart:
        return ResponsePart("", choice, choice, self.credit(data, choice))

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [self._part(data, choice) for choice in self.picked(response)]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [self._part(data, choice) for choice in data["choices"]]
