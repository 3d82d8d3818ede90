"""The answer part of a GIFT question, kind by kind, read into a MoodleQuestion exactly as
Moodle's GIFT reader (qformat_gift::readquestion) and its ordering plugin read it: the same
type from the same signs, the same weights, feedback and numbers. The text is protected
(escapes swapped for placeholders, syntax.protect) until each piece is restored."""

from __future__ import annotations

import re

from ..moodle.model import Answer, MoodleQuestion, Text, ordering_options
from .syntax import RESTORE, restore

# Moodle: '/^%\-*([0-9]{1,2})\.?([0-9]*)%/', then the text between the % signs is the number.
WEIGHT = re.compile(r"^%(-*[0-9]{1,2}\.?[0-9]*)%")
FORMATS = {"moodle": "moodle", "html": "html", "plain": "plain", "markdown": "markdown"}
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
# qtype_ordering's GIFT (Moodle core's, 4.4 on):
# {>count [select] [layout] [grading] [show] [numbering] item\nitem\n...}
ORDERING = re.compile(
    r"^\s*>\s*(\d+)\s*((?:ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?)\s*"
    r"((?:HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?)\s*"
    r"((?:ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|"
    r"RELATIVE_NEXT_INCLUDE_LAST|RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT|"
    r"RELATIVE_TO_CORRECT|RELATIVE|RELLONGEST_ORDERED_SUBSET|LONGEST_CONTIGUOUS_SUBSET)?)\s*"
    r"((?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?)\s*((?:none|123|abc|ABCD|iii|IIII)?)\s*(.*?)\s*$",
    re.S,
)
MIN_SHOWN = 2  # qtype_ordering_question::MIN_SUBSET_ITEMS


def with_format(text: str, default: str) -> Text:
    """Moodle's parse_text_with_format: a leading [markdown], [html], [plain] or [moodle]
    sets the format of that text; escapes are restored and spaces trimmed."""
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end != -1 else ""
        if name in FORMATS:
            return Text(restore(text[end + 1 :]).strip(), FORMATS[name])
    return Text(restore(text).strip(), default)


def split_answers(answer: str, marker: str) -> list[str]:
    """explode(marker), the first piece dropped when empty (Moodle's idiom), each trimmed."""
    parts = answer.split(marker)
    parts[0] = parts[0].strip()
    if not parts[0]:
        parts = parts[1:]
    return [part.strip() for part in parts]


def with_feedback(entry: str, fmt: str) -> tuple[Text, Text]:
    """Moodle's commentparser: `answer#feedback`."""
    value, _, feedback = entry.partition("#")
    return with_format(value.strip(), fmt), with_format(feedback.strip(), fmt)


def weight(entry: str, default: float) -> tuple[float, str]:
    match = WEIGHT.match(entry)
    if match is None:
        return default, entry
    digits = match.group(1).lstrip("-")
    value = -float(digits) if match.group(1).startswith("-") else float(digits)
    return value / 100, entry[match.end() :]


class Kinds:
    """Fill a MoodleQuestion from its answer part; problems go to `question.error`."""

    @staticmethod
    def kind(answer: str) -> str:
        """Moodle's order of tests: plugins (ordering) first, then essay, numerical,
        multichoice (any ~), match (= and ->), true/false, short answer."""
        if ORDERING.match(answer):
            return "ordering"
        if not answer:
            return "essay"
        if answer.startswith("#"):
            return "numerical"
        if "~" in answer:
            return "multichoice"
        if "=" in answer and "->" in answer:
            return "match"
        check = answer[: answer.find("#")].strip() if answer.find("#") > 0 else answer
        return "truefalse" if check in TRUE_FALSE else "shortanswer"

    def multichoice(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        q.single = "=" in answer
        entries = split_answers(answer.replace("=", "~="), "~")
        if len(entries) < 2:
            q.error("a multiple-choice question needs at least two answers")
            return False
        for entry in entries:
            if entry.startswith("="):
                fraction, entry = 1.0, entry[1:]
            else:
                fraction, entry = weight(entry, 0.0)
            text, feedback = with_feedback(entry, fmt)
            if text:  # Moodle saves no empty answer
                q.answers.append(Answer(text, fraction, feedback))
        return True

    def match(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        entries = split_answers(answer, "=")
        if len(entries) < 2:
            q.error("a matching question needs at least two pairs")
            return False
        for entry in entries:
            if "->" not in entry:
                q.error(
                    f"each matching item is written =left -> right; '{restore(entry)}' has no ->"
                )
                return False
            left, right = entry.split("->", 1)
            q.subquestions.append((with_format(left.strip(), fmt), restore(right).strip()))
        return True

    def truefalse(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        value, wrong, right = (answer.split("#", 2) + ["", ""])[:3]
        truth = TRUE_FALSE[value.strip()]
        said_right, said_wrong = with_format(right.strip(), fmt), with_format(wrong.strip(), fmt)
        q.answers = [
            Answer(Text("true"), float(truth), said_right if truth else said_wrong),
            Answer(Text("false"), float(not truth), said_wrong if truth else said_right),
        ]
        return True

    def shortanswer(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        entries = split_answers(answer, "=")
        if not entries:
            q.error("a short-answer question needs at least one answer (=answer)")
            return False
        for entry in entries:
            fraction, entry = weight(entry, 1.0)
            text, feedback = with_feedback(entry, fmt)
            if text:  # Moodle keeps a short answer's characters as they are, whatever the format
                q.answers.append(Answer(Text(text.value, "plain"), fraction, feedback))
        return True

    def numerical(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        answer = answer[1:]
        wrong = ""
        if "~" in answer:
            answer, wrong = answer[: answer.find("~")], answer[answer.find("~") :]
        entries = split_answers(answer, "=")
        if not entries:
            q.error("a numeric question needs a number: {#3.14:0.01} or {#1..5}")
            return False
        for entry in entries:
            fraction, entry = weight(entry, 1.0)
            text, feedback = with_feedback(entry, fmt)
            found = _number_answer(text.value, fraction, feedback)
            if found is None:
                q.error(f"'{text.value}' is not a number, a number:tolerance or a min..max range")
                return False
            q.answers.append(found)
        if wrong:
            q.answers.append(Answer(Text("*"), 0.0, with_feedback(wrong[1:], fmt)[1]))
        return True

    def ordering(self, q: MoodleQuestion, answer: str, fmt: str) -> bool:
        count, select, _layout, grading, _show, _numbering, lines = ORDERING.match(answer).groups()
        items = [line.strip() for line in re.split(r"[\r\n]+", lines)]
        items = [item for item in items if item not in ("", "0")]  # PHP's array_filter
        if any(char in item for item in items for char in RESTORE):
            q.warn("Moodle's ordering reader keeps GIFT escapes in items as they are: avoid them")
        q.answers = [Answer(Text(restore(item), "moodle"), 1.0) for item in items]
        shown = int(count) if MIN_SHOWN <= int(count) <= len(items) else min(6, len(items))
        q.options = ordering_options(select, str(shown), grading)
        return True


def _number_answer(value: str, fraction: float, feedback: Text) -> Answer | None:
    """`3.14`, `3.14:0.01` (a tolerance) or `1..5` (an interval), as Moodle reads them."""
    if value.find("..") > 0:
        low, high = value.split("..", 1)
        if not (NUMBER.fullmatch(low) and NUMBER.fullmatch(high)):
            return None
        low_value, high_value = float(low), float(high)
        middle = (low_value + high_value) / 2
        return Answer(
            Text(repr(middle)), fraction, feedback, high_value - middle, (low_value, high_value)
        )
    number, tolerance = value.split(":", 1) if value.find(":") > 0 else (value, None)
    if not NUMBER.fullmatch(number) or (tolerance is not None and not NUMBER.fullmatch(tolerance)):
        return None
    return Answer(
        Text(number.strip()), fraction, feedback, None if tolerance is None else float(tolerance)
    )
