"""Grading: turn a question's data and a student's response into a mark. No Flask, no database.

One small grader per question type, in a registry; adding a type adds one entry here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CLOZE_BLANK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:e[+-]?\d+)?")


def normalise_text(text: str) -> str:
    """Compare free-text answers the forgiving way: NFKC, case-folded, no punctuation, one space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category.startswith(("Z", "C")):
            kept.append(" ")
        elif not category.startswith("P"):
            kept.append(char)
        elif char == "." and _between_digits(text, index):
            kept.append(char)  # 9.9 is not 99
    return " ".join("".join(kept).split())


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def cloze_blanks(text: str) -> list[list[str]]:
    """The accepted answers of each [[a|b]] blank, in order."""
    return [[alt.strip() for alt in match.split("|")] for match in CLOZE_BLANK.findall(text)]


def cloze_with_gaps(text: str, gap: str = "[...]") -> str:
    return CLOZE_BLANK.sub(gap, text)


class NotANumber(ValueError):
    """A numeric response that is not a number: refused with a message, not marked wrong."""


def parse_number(response: str) -> float:
    """Read '250', '250.0', '1,000', '2.5e2', ' -3 '; raise NotANumber otherwise."""
    text = unicodedata.normalize("NFKC", response).strip().lower().replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise NotANumber(f"'{response.strip()}' is not a number: type digits, like 250 or 2.5")
    return float(text)


@dataclass(frozen=True)
class Grade:
    """Fraction of the question's points earned (0..1) and whether it counts as fully right."""

    fraction: float

    @property
    def correct(self) -> bool:
        return self.fraction >= 1 - 1e-9


def _matches_short(response: str, answers: Sequence[str], pattern: str | None = None) -> bool:
    wanted = normalise_text(response)
    if not wanted:
        return False
    # "real name" and "real-name" (which loses its hyphen) should both match: compare
    # without spaces too.
    compact = wanted.replace(" ", "")
    for answer in answers:
        accepted = normalise_text(answer)
        if wanted == accepted or compact == accepted.replace(" ", ""):
            return True
    return bool(pattern) and re.fullmatch(pattern, response.strip(), re.IGNORECASE) is not None


def grade_single(data: Mapping[str, Any], response: Any) -> Grade:
    return Grade(1.0 if response == data["answer"] else 0.0)


def grade_multiple(data: Mapping[str, Any], response: Any) -> Grade:
    chosen = set(response or [])
    right = set(data["answers"])
    k = len(right)
    earned = len(chosen & right) / k - len(chosen - right) / k
    return Grade(max(0.0, earned))


def grade_true_false(data: Mapping[str, Any], response: Any) -> Grade:
    return Grade(1.0 if response is data["answer"] else 0.0)


def grade_short(data: Mapping[str, Any], response: Any) -> Grade:
    ok = _matches_short(str(response or ""), data["answers"], data.get("pattern"))
    return Grade(1.0 if ok else 0.0)


def numeric_bounds(data: Mapping[str, Any]) -> tuple[float, float]:
    if "range" in data:
        low, high = data["range"]
        return float(low), float(high)
    tolerance = float(data.get("tolerance", 0))
    return data["answer"] - tolerance, data["answer"] + tolerance


def grade_numeric(data: Mapping[str, Any], response: Any) -> Grade:
    value = response if isinstance(response, float | int) else parse_number(str(response))
    low, high = numeric_bounds(data)
    # A relative epsilon keeps 0.1 + 0.2 style float noise from failing an exact answer.
    eps = 1e-9 * max(1.0, abs(low), abs(high))
    return Grade(1.0 if low - eps <= value <= high + eps else 0.0)


def grade_ordering(data: Mapping[str, Any], response: Any) -> Grade:
    items = data["items"]
    given = list(response or [])
    right = sum(
        1 for index, item in enumerate(items) if index < len(given) and given[index] == item
    )
    return Grade(right / len(items))


def grade_matching(data: Mapping[str, Any], response: Any) -> Grade:
    chosen = dict(response or {})
    right = sum(1 for left, target in data["pairs"] if chosen.get(left) == target)
    return Grade(right / len(data["pairs"]))


def grade_cloze(data: Mapping[str, Any], response: Any) -> Grade:
    blanks = cloze_blanks(data["text"])
    given = list(response or [])
    right = sum(
        1
        for index, accepted in enumerate(blanks)
        if index < len(given) and _matches_short(str(given[index] or ""), accepted)
    )
    return Grade(right / len(blanks))


GRADERS: dict[str, Callable[[Mapping[str, Any], Any], Grade]] = {
    "single": grade_single,
    "multiple": grade_multiple,
    "true_false": grade_true_false,
    "short": grade_short,
    "numeric": grade_numeric,
    "ordering": grade_ordering,
    "matching": grade_matching,
    "cloze": grade_cloze,
}


def grade(question_type: str, data: Mapping[str, Any], response: Any) -> Grade:
    """Grade a response (already decoded from the form) against a question's data."""
    return GRADERS[question_type](data, response)
