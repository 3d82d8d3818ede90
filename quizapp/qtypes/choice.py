"""What single- and multiple-answer questions share: choices, their shuffle, counted picks,
per-choice fractions and feedback, and their Moodle form (a multichoice question)."""

from __future__ import annotations

import random
from typing import Any

from ..banks.moodle.model import NO_TEXT, Answer, MoodleQuestion, Text, feedback_map
from ..banks.yamlnodes import suggest
from .base import Data, PartReview, QuestionType, ResponsePart
from .feedback import feedback_rule
from .helpers import TEXT_LIST, shuffle_setting, shuffled

CHOICES = {**TEXT_LIST, "minItems": 2}
FRACTIONS = {
    "type": "object",
    "additionalProperties": {"type": "number", "minimum": -100, "maximum": 100},
    "minProperties": 2,
    "description": "Percent earned for picking each choice. Every choice is listed.",
}


def pick(reader, value: str, answer_node, choices: list[str], key: str) -> bool:
    """Whether `value` is one of the choices; a located error (with a hint) if not."""
    if value in choices:
        return True
    near = [c for c in choices if c.strip().casefold() == value.strip().casefold()]
    hint = f" (did you mean '{near[0]}'?)" if near else suggest(value, choices)
    reader.error(answer_node, f"{key} '{value}' is not one of the choices{hint}")
    return False


def read_percents(reader, node, choices: list[str]) -> dict[str, float] | None:
    """A `fractions` mapping: every choice once, each a percent from -100 to 100."""

    def within_range(value_node, choice: str, percent: float) -> bool:
        if -100 <= percent <= 100:
            return True
        reader.error(value_node, f"the fraction of '{choice}' must be from -100 to 100")
        return False

    read = reader.keyed_values(
        node,
        "fractions",
        "fractions must be a mapping of each choice to a percent",
        ("choice", choices, "a choice"),
        lambda value_node, choice: reader.number(value_node, f"the fraction of '{choice}'"),
        within_range,
    )
    if read is None:
        return None
    percents, ok = read
    missing = [c for c in choices if c not in percents]
    if ok and missing:
        reader.error(node, f"fractions does not give {', '.join(map(repr, missing))}")
        ok = False
    return percents if ok else None


def percent(value: float) -> float | int:
    """A Moodle fraction (0..1) as a bank percent, without float noise (1/3 -> 33.33333)."""
    rounded = round(value * 100, 5)
    return int(rounded) if rounded.is_integer() else rounded


class ChoiceType(QuestionType):
    """Choices shown as radio buttons or checkboxes; the key is one choice or several."""

    answer_key: str  # "answer" or "answers"
    options_beside_prompt = True
    moodle_types = ("multichoice",)
    single: bool  # Moodle's <single>

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
        feedback_ok = feedback_rule(reader, fields, body, texts, "a choice")
        if not all(picked) or not shuffle_ok or not feedback_ok:
            return None
        body = {"choices": texts, self.answer_key: self.key_value(keyed), **body}
        if "fractions" in fields:
            percents = read_percents(reader, fields["fractions"][1], texts)
            if percents is None or not self.check_fractions(
                reader, fields["fractions"][1], body, percents
            ):
                return None
            body["fractions"] = percents
        return body

    def read_key(self, reader, node) -> list[tuple[str, Any]] | None:
        raise NotImplementedError

    def key_value(self, keyed: list[tuple[str, Any]]) -> Any:
        raise NotImplementedError

    def check_fractions(self, reader, node, body: dict[str, Any], percents) -> bool:
        """The type's own rules for `fractions` (errors and warnings located at `node`)."""
        raise NotImplementedError

    def percents(self, data: Data) -> dict[str, float]:
        """Percent earned for picking each choice."""
        raise NotImplementedError

    def present(self, data: Data, rng: random.Random) -> dict[str, Any]:
        choices = list(data["choices"])
        return {"choices": shuffled(choices, rng) if data.get("shuffle", True) else choices}

    # A right choice left out: "missed" where several are right, "answer" where one is.
    unchosen_key = "answer"

    def review(self, data: Data, presentation, response: Any) -> dict[str, PartReview]:
        """Each choice: picked rightly or wrongly, or a right one left out."""
        chosen, keyed = set(self.picked(response)), self.keyed(data)
        marks = {}
        for choice in data["choices"]:
            if choice in chosen:
                marks[choice] = PartReview("right" if choice in keyed else "wrong")
            elif choice in keyed:
                marks[choice] = PartReview(self.unchosen_key)
        return marks

    def keyed(self, data: Data) -> set[str]:
        """The right choices (for a single answer: those worth 100%)."""
        raise NotImplementedError

    # ---- Moodle: a multichoice question -----------------------------------------------------

    def claims(self, question: MoodleQuestion) -> bool:
        return question.qtype in self.moodle_types and question.single == self.single

    def to_moodle(self, data: Data) -> MoodleQuestion:
        percents, feedback = self.percents(data), data.get("feedback", {})
        answers = [
            Answer(Text(c), percents[c] / 100, Text(feedback[c]) if c in feedback else NO_TEXT)
            for c in data["choices"]
        ]
        return MoodleQuestion(
            "multichoice", answers=answers, single=self.single, shuffle=data.get("shuffle", True)
        )

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        if len(question.answers) < 2:
            question.error("a multiple-choice question needs at least two answers")
            return None
        choices = [question.md(a.text, "answer", inline=True) for a in question.answers]
        seen: set[str] = set()
        for choice in choices:
            if choice.strip().casefold() in seen:
                question.error(f"duplicate entry '{choice}' in choices")
                return None
            seen.add(choice.strip().casefold())
        percents = {c: percent(a.fraction) for c, a in zip(choices, question.answers, strict=True)}
        body = self.read_fractions(question, choices, percents)
        if body is None:
            return None
        feedback = feedback_map(
            [(c, a.feedback) for c, a in zip(choices, question.answers, strict=True)], question
        )
        if feedback:
            body["feedback"] = feedback
        if question.shuffle is False:
            body["shuffle"] = False
        return body

    def read_fractions(self, question: MoodleQuestion, choices, percents) -> dict[str, Any] | None:
        """`choices`, the key and (when Moodle's differ from the default) `fractions`."""
        raise NotImplementedError

    # ---- analysis of responses ----------------------------------------------------------------

    def credit(self, data: Data, choice: str) -> float:
        """What picking `choice` earns (a fraction of the question's points)."""
        return self.percents(data).get(choice, 0.0) / 100

    def _part(self, data: Data, choice: str) -> ResponsePart:
        return ResponsePart("", choice, choice, self.credit(data, choice))

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [self._part(data, choice) for choice in self.picked(response)]

    def response_options(self, data: Data) -> list[ResponsePart]:
        return [self._part(data, choice) for choice in data["choices"]]
