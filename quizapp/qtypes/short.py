"""Short answer: typed text, judged the way a fair instructor would (qtypes/textmatch.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import NO_TEXT, Answer, MoodleQuestion, Text
from .base import BankEdit, Data, FormValues, Grade, QuestionType, ResponsePart
from .editing import Editable, yes_no
from .feedback import FEEDBACK, OTHER, feedback_for, feedback_rule, joined
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
from .textmatch import (
    TextKey,
    UnsafePattern,
    compact,
    compile_pattern,
    judge,
    normalise,
    same_text,
)

WILDCARD = re.compile(r"(?<!\\)\*+")  # Moodle's wildcard: any run of characters; \* is a star


def text_key(data: Data) -> TextKey:
    return TextKey(
        answers=data["answers"],
        reject=data.get("reject", ()),
        pattern=data.get("pattern"),
        typos=data.get("typos", True),
        context=data.get("prompt") or "",
        background=data.get("explanation") or "",
    )


def moodle_answer(text: str) -> str:
    """A literal answer in Moodle's short-answer syntax, where * is a wildcard."""
    return text.replace("*", "\\*")


def literal(text: str) -> str:
    return text.replace("\\*", "*")


def typed_answers(
    question: MoodleQuestion, answers: list[Answer], what: str, usecase: bool = False
) -> dict[str, Any]:
    """Moodle short answers as `answers`, `reject` (its 0% answers), `feedback` and `pattern`
    (from * wildcards), with a warning for what is graded differently. Moodle takes the first
    answer that matches, so a later one that matches the same responses is left out."""
    found: dict[str, list[str]] = {"answers": [], "reject": []}
    # Each list's entries by case-folded text and by the form quizapp compares.
    seen: dict[str, set[str]] = {"answers": set(), "reject": set()}
    forms: dict[str, dict[str, str]] = {"answers": {}, "reject": {}}
    feedback: dict[str, str] = {}
    patterns: list[str] = []
    for answer in answers:
        text = answer.text.plain()
        said = question.md(answer.feedback, "feedback") if answer.feedback else ""
        if WILDCARD.sub("", text).strip() == "" and answer.fraction < 1:
            if said:
                feedback[OTHER] = said  # "*": Moodle's feedback for any other response
            continue
        if 0 < answer.fraction < 1:
            question.warn(
                f"{what} '{text}' gives partial credit ({answer.fraction * 100:g}%), which "
                "quizapp does not: it is left out"
            )
            continue
        key = "answers" if answer.fraction >= 1 else "reject"
        if WILDCARD.search(text) and key == "reject":
            question.warn(f"the wrong answer '{text}' has a * wildcard: it is left out")
            continue
        if WILDCARD.search(text):  # kept as an answer too, so the key shows it
            patterns.append(wildcard_pattern(question, text))
        value = literal(text)
        if value.strip().casefold() in seen[key]:
            continue  # Moodle compares ignoring case: the same answer twice
        form = compact(normalise(value))
        earlier = forms["reject" if key == "answers" else "answers"].get(form)
        if earlier is not None:
            question.warn(
                f"{what} '{value}' is read like '{earlier}' (quizapp ignores case, spaces and "
                "punctuation), which Moodle grades differently: only the first one is kept"
            )
            continue
        found[key].append(value)
        seen[key].add(value.strip().casefold())
        forms[key].setdefault(form, value)
        if said:
            feedback[value] = said
    body: dict[str, Any] = {key: values for key, values in found.items() if values}
    patterns = [p for p in patterns if p]
    if patterns:
        body["pattern"] = (
            "|".join(f"(?:{p})" for p in patterns) if len(patterns) > 1 else patterns[0]
        )
    if feedback:
        body["feedback"] = feedback
    if usecase:
        question.warn(f"Moodle compares each {what} with its case; quizapp ignores case")
    return body


def wildcard_pattern(question: MoodleQuestion, text: str) -> str:
    """Moodle's `Ber*` as a pattern over the normalised response: `ber.*`."""
    pieces = [re.escape(normalise(literal(piece))) for piece in WILDCARD.split(text)]
    pattern = ".*".join(pieces)
    try:
        compile_pattern(pattern)
    except UnsafePattern as exc:
        question.warn(f"the answer '{text}' cannot be a pattern here ({exc}): it is left out")
        return ""
    question.warn(
        f"the wildcard answer '{text}' becomes the pattern '{pattern}', matched against the "
        "normalised response (see docs/grading.md)"
    )
    return pattern


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
        "feedback": {
            **FEEDBACK,
            "description": "Feedback for an accepted answer, a reject entry, or '*' (any other "
            "wrong answer).",
        },
    }
    required = ("answers",)
    overridable = True
    moodle_types = ("shortanswer",)
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
        keys = [*(answers or []), *body.get("reject", []), OTHER]
        feedback_ok = feedback_rule(
            reader, fields, body, keys, "an accepted answer, a reject entry or '*'"
        )
        if answers is None or not pattern_ok or not rules_ok or not feedback_ok:
            return None
        return {"answers": answers, **body}

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        return bounded(first_value(values, "answer"), MAX_TEXT_ANSWER) or None

    def grade(self, data: Data, response: Any) -> Grade:
        text = str(response or "")
        verdict = judge(text, text_key(data))
        entries = [*data.get("reject", ()), *data["answers"]]  # Moodle's order: rejects first
        said = next((entry for entry in entries if text and same_text(text, entry)), None)
        other = OTHER if text and not verdict.right else None
        note = joined(verdict.note, feedback_for(data, *(k for k in (said, other) if k)))
        return Grade(1.0 if verdict.right else 0.0, note=note)

    def answer_text(self, data: Data) -> str:
        return data["answers"][0]

    def also_accepted(self, data: Data) -> list[str]:
        return list(data["answers"][1:])

    def sample(self, data, presentation, right, rng):
        return data["answers"][0] if right else "not sure"

    def to_moodle(self, data: Data) -> MoodleQuestion:
        feedback = data.get("feedback", {})

        def answer(text: str, fraction: float) -> Answer:
            said = Text(feedback[text]) if text in feedback else NO_TEXT
            return Answer(Text(moodle_answer(text), "plain"), fraction, said)

        answers = [answer(t, 0.0) for t in data.get("reject", [])]
        answers += [answer(t, 1.0) for t in data["answers"]]
        if OTHER in feedback:
            answers.append(Answer(Text("*", "plain"), 0.0, Text(feedback[OTHER])))
        lost = [key for key in ("pattern", "typos") if key in data]
        return MoodleQuestion("shortanswer", answers=answers, lost=lost)

    def claims(self, question: MoodleQuestion) -> bool:
        return question.qtype == "shortanswer" and question.gap is None

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        body = typed_answers(question, question.answers, "answer", question.usecase)
        if not body.get("answers"):
            question.error(
                "a short-answer question needs at least one fully right answer (=answer)"
            )
            return None
        return body

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        if response is None:
            return []
        return [ResponsePart("", normalise(str(response)), str(response).strip())]

    def bank_edit(self, data: Data, part: str, text: str, accept: bool) -> BankEdit | None:
        return BankEdit("answers" if accept else "reject", text)
