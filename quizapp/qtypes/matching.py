"""Matching: pick the right-hand side of each pair from one shared list (plus distractors)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import MoodleQuestion, Text
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
from .editing import Editable, yes_no
from .helpers import TEXT_LIST, first_value, shuffle_setting, shuffled_avoiding

TEXT = {"type": ["string", "number"]}


class Matching(QuestionType):
    key = "matching"
    label = "matching"
    fields = {
        "pairs": {
            "type": "array",
            "minItems": 2,
            "items": {"type": "array", "items": TEXT, "minItems": 2, "maxItems": 2},
        },
        "distractors": {**TEXT_LIST, "minItems": 1},
        "shuffle": {"type": "boolean"},
    }
    required = ("pairs",)
    options_beside_prompt = True
    moodle_types = ("match",)
    part_label = "Row"
    editable = (
        Editable("pairs", "Pairs", "pairs", "One per line: left -> right."),
        Editable("distractors", "Distractors", "lines", "Wrong right-hand sides, one per line."),
        yes_no("shuffle", "Shuffle the options", True),
    )

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        pairs_node = reader.require(fields, "pairs", node, "a matching question")
        entries = reader.sequence(pairs_node, "pairs", min_items=2) if pairs_node else None
        body: dict[str, Any] = {}
        ok = shuffle_setting(reader, fields, body)
        pairs: list[list[str]] = []
        lefts: dict[str, int] = {}
        for entry in entries or []:
            pair = reader.text_list(entry, "each pair", min_items=2, distinct=False)
            if pair is None:
                ok = False
                continue
            if len(pair) != 2:
                reader.error(entry, f"each pair must be [left, right], not {len(pair)} entries")
                ok = False
                continue
            (left, left_node), (right, _) = pair
            if left.strip().casefold() in lefts:
                first = lefts[left.strip().casefold()]
                reader.error(left_node, f"left side '{left}' is used twice (first at line {first})")
                ok = False
                continue
            lefts[left.strip().casefold()] = left_node.start_mark.line + 1
            pairs.append([left, right])
        if "distractors" in fields:
            ok = self._distractors(reader, fields["distractors"][1], pairs, body) and ok
        if entries is None or not ok:
            return None
        return {"pairs": pairs, **body}

    @staticmethod
    def _distractors(reader, node, pairs: list[list[str]], body: dict[str, Any]) -> bool:
        distractors = reader.text_list(node, "distractors")
        rights = {right.strip().casefold() for _, right in pairs}
        ok = True
        for value, item in distractors or []:
            if value.strip().casefold() in rights:
                reader.error(item, f"distractor '{value}' is also a right-hand side of a pair")
                ok = False
        if distractors is None:
            return False
        body["distractors"] = [value for value, _ in distractors]
        return ok

    def present(self, data: Data, rng: random.Random) -> dict[str, Any]:
        rights = [right for _, right in data["pairs"]]
        options = list(dict.fromkeys(rights + data.get("distractors", [])))
        if data.get("shuffle", True):
            # Uniform among the orders that do not line up with the rows (already matched).
            options = shuffled_avoiding(options, rng, lambda order: order[: len(rights)] == rights)
        else:
            options = sorted(options)
        return {"lefts": [left for left, _ in data["pairs"]], "options": options}

    def field_names(self, presentation: Mapping[str, Any]) -> list[str]:
        return [f"match-{i}" for i in range(len(presentation["lefts"]))]

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        lefts, options = presentation["lefts"], presentation["options"]
        chosen = {left: first_value(values, f"match-{i}") for i, left in enumerate(lefts)}
        if not any(chosen.values()):
            return None
        if any(v and v not in options for v in chosen.values()):
            raise InvalidResponse("Choose among the options shown.")
        return {left: value for left, value in chosen.items() if value}

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        lefts = presentation["lefts"]
        return {f"match-{i}": response.get(left, "") for i, left in enumerate(lefts)}

    def describe(self, response: Any) -> str:
        return "\n".join(f"- {left} → {right}" for left, right in response.items())

    def grade(self, data: Data, response: Any) -> Grade:
        chosen = dict(response or {})
        parts = tuple(PartMark(left, chosen.get(left) == target) for left, target in data["pairs"])
        return Grade(sum(part.right for part in parts) / len(data["pairs"]), parts)

    def answer_text(self, data: Data) -> str:
        return "\n".join(f"- {left} → {right}" for left, right in data["pairs"])

    def review(self, data: Data, presentation, response: Any) -> dict[str, PartReview]:
        """Each row as shown: right, or wrong with its right match."""
        chosen, targets = dict(response or {}), dict(data["pairs"])
        marks = {}
        for index, left in enumerate(presentation.get("lefts", [])):
            target = targets.get(left)
            if target is not None:
                right = chosen.get(left) == target
                marks[f"match-{index}"] = PartReview(
                    "right" if right else "wrong", None if right else target
                )
        return marks

    def sample(self, data, presentation, right, rng):
        pairs = dict(data["pairs"])
        if right:
            return pairs
        lefts = list(pairs)
        first, last = lefts[0], lefts[-1]
        pairs[first], pairs[last] = pairs[last], pairs[first]
        return pairs

    def to_moodle(self, data: Data) -> MoodleQuestion:
        stems = [(Text(left, "plain"), right) for left, right in data["pairs"]]
        stems += [(Text("", "plain"), other) for other in data.get("distractors", [])]
        return MoodleQuestion("match", subquestions=stems, shuffle=data.get("shuffle", True))

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        pairs = [[stem.plain(), right] for stem, right in question.subquestions if stem]
        if len(question.subquestions) < 2:
            question.error("a matching question needs at least two pairs")
            return None
        body: dict[str, Any] = {"pairs": pairs}
        # A stem without text is Moodle's extra wrong answer (GIFT: = -> answer).
        distractors = [right for stem, right in question.subquestions if not stem and right]
        if distractors:
            body["distractors"] = distractors
        if question.shuffle is False:
            body["shuffle"] = False
        return body

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [ResponsePart(left, right, right) for left, right in (response or {}).items()]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [ResponsePart(left, right, right, 1.0) for left, right in data["pairs"]]
