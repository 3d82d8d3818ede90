"""Numeric: a typed number, right within a tolerance or a range."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import NO_TEXT, Answer, MoodleQuestion, Text, feedback_map
from .base import Data, FormValues, Grade, InvalidResponse, QuestionType, ResponsePart
from .editing import Editable
from .feedback import FEEDBACK, RIGHT, WRONG, feedback_for, feedback_rule
from .helpers import MAX_NUMBER_ANSWER, NotANumber, bounded, first_value, parse_number

YEAR_UNITS = frozenset({"year", "ad", "ce", "bc", "bce"})


def format_number(value: float, grouped: bool = True) -> str:
    """250, 1,000 and 2.5; without the thousands separator when not `grouped` (2022)."""
    comma = "," if grouped else ""
    return f"{value:{comma}.0f}" if float(value).is_integer() else f"{value:{comma}}"


def is_year(data: Data) -> bool:
    """A calendar year: its unit says so, or it has no unit and every number of its key is a
    whole number from 1000 to 2999."""
    unit = (data.get("unit") or "").strip().casefold()
    if unit:
        return unit in YEAR_UNITS
    numbers = [data["answer"]] if "answer" in data else []
    numbers += list(data.get("range", []))
    return all(float(n).is_integer() and 1000 <= n <= 2999 for n in numbers)


def grouped(data: Data) -> bool:
    """Whether the key is shown with thousands separators (`display`, else not for years)."""
    if "display" in data:
        return data["display"] == "grouped"
    return not is_year(data)


def numeric_bounds(data: Data) -> tuple[float, float]:
    if "range" in data:
        low, high = data["range"]
        return float(low), float(high)
    tolerance = float(data.get("tolerance", 0))
    return data["answer"] - tolerance, data["answer"] + tolerance


class Numeric(QuestionType):
    key = "numeric"
    label = "numeric"
    fields = {
        "answer": {"type": "number"},
        "tolerance": {"type": "number", "minimum": 0},
        "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "unit": {"type": "string", "minLength": 1},
        "display": {
            "enum": ["plain", "grouped"],
            "description": "How the key is shown: plain (2022, an identifier) or grouped "
            "(1,000). Default: plain for years, grouped otherwise.",
        },
        "feedback": {**FEEDBACK, "propertyNames": {"enum": [RIGHT, WRONG]}},
    }
    schema_rules = {
        "anyOf": [{"required": ["answer"]}, {"required": ["range"]}],
        "not": {"required": ["range", "tolerance"]},
    }
    moodle_types = ("numerical",)
    editable = (
        Editable("answer", "Answer", "number"),
        Editable("tolerance", "Tolerance", "number", "Right within answer ± tolerance."),
        Editable("range", "Range", "range", "Or: the lowest and highest right answer, 10, 20."),
        Editable("unit", "Unit", "text"),
        Editable(
            "display",
            "Show the key",
            "choice",
            options=(
                ("", "as the number suggests"),
                ("plain", "plain: 2022"),
                ("grouped", "grouped: 1,000"),
            ),
        ),
    )

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        body: dict[str, Any] = {}
        ok = True
        if "answer" in fields:
            body["answer"] = reader.number(fields["answer"][1], "answer")
            ok = body["answer"] is not None
        if "tolerance" in fields:
            ok = self._tolerance(reader, fields["tolerance"][1], body) and ok
        if "range" in fields:
            ok = self._range(reader, fields["range"][1], body) and ok
        if "unit" in fields:
            body["unit"] = reader.text(fields["unit"][1], "unit")
            ok = ok and body["unit"] is not None
        if "display" in fields:
            display = reader.text(fields["display"][1], "display")
            if display is not None and display not in ("plain", "grouped"):
                reader.error(fields["display"][1], "display must be plain or grouped")
                display = None
            body["display"] = display
            ok = ok and display is not None
        ok = feedback_rule(reader, fields, body, (RIGHT, WRONG), "right or wrong") and ok
        if not ok:
            return None
        if "answer" not in body and "range" not in body:
            reader.error(
                node, "a numeric question needs an 'answer' (or a 'range' of right answers)"
            )
            return None
        if "range" in body and "tolerance" in body:
            reader.error(fields["tolerance"][0], "give either 'tolerance' or 'range', not both")
            return None
        if "range" in body and "answer" in body:
            low, high = body["range"]
            if not low <= body["answer"] <= high:
                reader.error(fields["answer"][1], f"answer {body['answer']} lies outside its range")
                return None
        return body

    @staticmethod
    def _tolerance(reader, node, body: dict[str, Any]) -> bool:
        tolerance = reader.number(node, "tolerance")
        if tolerance is not None and tolerance < 0:
            reader.error(node, f"tolerance must be 0 or more, not {tolerance}")
            tolerance = None
        body["tolerance"] = tolerance
        return tolerance is not None

    @staticmethod
    def _range(reader, node, body: dict[str, Any]) -> bool:
        bounds = reader.sequence(node, "range", min_items=2)
        if bounds is not None and len(bounds) != 2:
            reader.error(node, "range must be exactly two numbers: [min, max]")
            bounds = None
        if bounds is None:
            return False
        low, high = (reader.number(b, "each end of range") for b in bounds)
        body["range"] = [low, high]
        if low is None or high is None:
            return False
        if low > high:
            reader.error(node, f"range [{low}, {high}] is empty: min is above max")
            return False
        return True

    def display(self, data: Data) -> dict[str, Any]:
        return {"unit": data.get("unit")}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        text = bounded(first_value(values, "answer"), MAX_NUMBER_ANSWER, "That number")
        if not text:
            return None
        try:
            return parse_number(text)
        except NotANumber as exc:
            raise InvalidResponse(str(exc)) from exc

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": f"{response:g}"}

    def describe(self, response: Any) -> str:
        return f"{response:g}"

    def grade(self, data: Data, response: Any) -> Grade:
        value = response if isinstance(response, float | int) else parse_number(str(response))
        low, high = numeric_bounds(data)
        # A relative epsilon keeps 0.1 + 0.2 style float noise from failing an exact answer.
        eps = 1e-9 * max(1.0, abs(low), abs(high))
        right = low - eps <= value <= high + eps
        return Grade(1.0 if right else 0.0, note=feedback_for(data, RIGHT if right else WRONG))

    def answer_text(self, data: Data) -> str:
        unit = f" {data['unit']}" if data.get("unit") else ""
        group = grouped(data)
        if "range" in data:
            low, high = numeric_bounds(data)
            return f"{format_number(low, group)} to {format_number(high, group)}{unit}"
        tolerance = data.get("tolerance")
        spread = f" (± {format_number(tolerance, group)})" if tolerance else ""
        return f"{format_number(data['answer'], group)}{unit}{spread}"

    def sample(self, data, presentation, right, rng):
        if right:
            return float(data["answer"] if "answer" in data else data["range"][0])
        high = numeric_bounds(data)[1]
        return high + max(1.0, abs(high))  # outside the tolerance or range

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        text = None if response is None else self.describe(response)
        return [ResponsePart("", text, text)] if text else []

    def to_moodle(self, data: Data) -> MoodleQuestion:
        feedback = data.get("feedback", {})
        said = Text(feedback[RIGHT]) if RIGHT in feedback else NO_TEXT
        lost = ["display"] if "display" in data else []
        if "range" in data:
            low, high = (float(n) for n in data["range"])
            middle = Text(number_text((low + high) / 2), "plain")
            answer = Answer(middle, 1.0, said, (high - low) / 2, interval=(low, high))
            lost += ["answer"] if "answer" in data else []  # a range is what Moodle grades
        else:
            value = Text(number_text(data["answer"]), "plain")
            tolerance = float(data["tolerance"]) if "tolerance" in data else None
            answer = Answer(value, 1.0, said, tolerance)
        answers = [answer]
        if WRONG in feedback:
            answers.append(Answer(Text("*", "plain"), 0.0, Text(feedback[WRONG])))
        units = [(data["unit"], 1.0)] if data.get("unit") else []
        return MoodleQuestion("numerical", answers=answers, units=units, lost=lost)

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        anything = [a for a in question.answers if a.text.plain() in ("*", "")]
        given = [a for a in question.answers if a.text.plain() not in ("*", "")]
        right = [a for a in given if a.fraction >= 1]
        if not right:
            question.error("a numeric question needs a fully right answer: {#3.14:0.01} or {#1..5}")
            return None
        body = self._interval(question, right[0])
        if body is None:
            return None
        for answer in given:
            if answer is not right[0]:
                what = f"{answer.fraction * 100:g}%" if answer.fraction < 1 else "full marks"
                question.warn(
                    f"only the first right answer is kept: '{answer.text.plain()}' "
                    f"({what} in Moodle) scores 0 here"
                )
        if any(a.fraction > 0 for a in anything):
            question.warn("an answer '*' gives marks for any number in Moodle: left out")
        wrong = next((a.feedback for a in anything if a.fraction <= 0), NO_TEXT)
        feedback = feedback_map([(RIGHT, right[0].feedback), (WRONG, wrong)], question)
        if feedback:
            body["feedback"] = feedback
        return self._units(question, body)

    @staticmethod
    def _interval(question: MoodleQuestion, answer: Answer) -> dict[str, Any] | None:
        try:
            if answer.interval is not None:
                return {"range": [integral(answer.interval[0]), integral(answer.interval[1])]}
            value = integral(parse_number(answer.text.plain()))
        except NotANumber:
            question.error(
                f"'{answer.text.plain()}' is not a number (Moodle's GIFT reader would accept "
                "any answer for it)"
            )
            return None
        body: dict[str, Any] = {"answer": value}
        if answer.tolerance is not None:
            body["tolerance"] = integral(answer.tolerance)
        return body

    @staticmethod
    def _units(question: MoodleQuestion, body: dict[str, Any]) -> dict[str, Any]:
        base = [name for name, multiplier in question.units if multiplier == 1 and name.strip()]
        if base:
            body["unit"] = base[0].strip()
        for name, multiplier in question.units:
            if name.strip() and name.strip() != body.get("unit"):
                question.warn(
                    f"the unit '{name}' (x {multiplier:g}) is not kept: students type the "
                    f"number{' in ' + body['unit'] if 'unit' in body else ''}"
                )
        if question.unit_graded:
            question.warn("Moodle grades the unit of this question; quizapp asks for the number")
        return body


def number_text(value: float) -> str:
    """A number as Moodle files write it: 3, 2.5, 1e-06."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def integral(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
