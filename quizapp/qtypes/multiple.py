"""Multiple answer, Moodle's way: the right choices share +100%, the wrong ones share -100%, so
ticking every box scores 0, ticking none scores 0 and a partly right selection keeps partial
credit (never below 0). An author may set each choice's fraction in the bank (`fractions`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Data, FormValues, Grade, InvalidResponse, PartMark
from .choice import CHOICES, FRACTIONS, ChoiceType
from .editing import Editable, yes_no
from .feedback import FEEDBACK, feedback_for
from .helpers import TEXT_LIST


def default_fractions(choices: list[str], answers: list[str]) -> dict[str, float]:
    """Percent per choice: +100/k for each of the k right choices, -100/w for each of the w
    wrong ones."""
    right = set(answers)
    wrong = len(choices) - len(right)
    return {c: 100 / len(right) if c in right else -100 / wrong for c in choices}


def fractions(data: Data) -> dict[str, float]:
    """Percent earned by ticking each choice (the bank's, or computed)."""
    return data.get("fractions") or default_fractions(data["choices"], data["answers"])


def all_boxes(percents: Mapping[str, float]) -> float:
    """The score, in percent, of ticking every box."""
    return max(0.0, round(sum(percents.values()), 6))


class MultipleChoice(ChoiceType):
    key = "multiple"
    label = "multiple-answer"
    fields = {
        "choices": CHOICES,
        "answers": {**TEXT_LIST, "minItems": 1},
        "shuffle": {"type": "boolean"},
        "fractions": {
            **FRACTIONS,
            "description": "Percent earned for ticking each choice: the right ones add up to "
            "100, the others are 0 or negative. Every choice is listed.",
        },
        "feedback": FEEDBACK,
    }
    required = ("choices", "answers")
    answer_key = "answers"
    single = False
    unchosen_key = "missed"
    editable = (
        Editable("choices", "Choices", "lines", "One per line."),
        Editable("answers", "Right answers", "lines", "One per line, each exactly as a choice."),
        yes_no("shuffle", "Shuffle the choices", True),
    )

    def check_fractions(self, reader, node, body, percents) -> bool:
        right, ok = set(body["answers"]), True
        for choice, value in percents.items():
            if (value > 0) != (choice in right):
                what = "more than 0 (it is an answer)" if choice in right else "0 or less"
                reader.error(node, f"the fraction of '{choice}' must be {what}, up to 100")
                ok = False
        if ok and abs(sum(p for p in percents.values() if p > 0) - 100) > 0.01:
            reader.error(node, "the fractions of the answers must add up to 100")
            ok = False
        if ok and all_boxes(percents) > 0:
            reader.warning(
                node,
                f"ticking every box scores {all_boxes(percents):g}%: give the wrong choices "
                "fractions that add up to -100 so that guessing does not pay",
            )
        return ok

    def percents(self, data: Data) -> dict[str, float]:
        return fractions(data)

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
        percents = fractions(data)
        # Rounded: a third plus a third minus two thirds is 0, not 7e-17.
        earned = round(sum(percents.get(choice, 0.0) for choice in chosen) / 100, 9)
        right = set(data["answers"])
        parts = tuple(
            PartMark(choice, (choice in right) == (choice in chosen)) for choice in data["choices"]
        )
        notes = [
            f"{choice}: {feedback_for(data, choice)}"
            for choice in data["choices"]
            if choice in chosen and feedback_for(data, choice)
        ]
        return Grade(min(1.0, max(0.0, earned)), parts, " ".join(notes) or None)

    def answer_text(self, data: Data) -> str:
        return "\n".join(f"- {answer}" for answer in data["answers"])

    def sample(self, data, presentation, right, rng):
        if right:
            return list(data["answers"])
        wrong = [c for c in data["choices"] if c not in data["answers"]]
        return sorted({*data["answers"][:-1], *rng.sample(wrong, min(1, len(wrong)))})

    def picked(self, response: Any) -> list[str]:
        return list(response or [])

    def keyed(self, data: Data) -> set[str]:
        return set(data["answers"])

    def read_fractions(self, question, choices, percents):
        right = [c for c, p in percents.items() if p > 0]
        if not right:
            question.error(
                "no answer has a positive weight: mark the right answers with ~%50% "
                "(weights adding up to 100)"
            )
            return None
        body: dict[str, Any] = {"choices": choices, "answers": right}
        default = default_fractions(choices, right)
        if all(abs(percents[c] - default[c]) <= 0.01 for c in choices):
            return body
        total = sum(p for p in percents.values() if p > 0)
        if abs(total - 100) <= 0.01:
            body["fractions"] = percents  # Moodle's own fractions, graded as Moodle grades them
        else:
            question.warn(
                f"the right answers' weights add up to {total:g}%, not 100% (Moodle warns about "
                "this too): quizapp grades this question its own way, the right answers "
                "sharing +100% and the wrong ones -100%"
            )
        return body
