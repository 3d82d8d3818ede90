"""The answer part of a GIFT question, kind by kind (choices, true/false, short answer,
numeric, matching, missing word), as the bank data of the matching quizapp type."""

from __future__ import annotations

import re
from typing import Any

from ...qtypes.multiple import default_fractions
from .syntax import restore

WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class AnswerKinds:
    """Read one kind of answer part; problems go to `self.problem(line, severity, message)`."""

    def problem(self, line: int, severity: str, message: str) -> None:
        raise NotImplementedError

    @staticmethod
    def _kind(answer: str) -> str:
        if not answer:
            return "essay"
        if answer.startswith("#"):
            return "numeric"
        if "~" in answer:
            return "choice"
        if "=" in answer and "->" in answer:
            return "matching"
        check = answer.split("#", 1)[0].strip()
        return "true_false" if check in TRUE_FALSE else "short"

    @staticmethod
    def _split(answer: str, marker: str) -> list[str]:
        parts = [p.strip() for p in answer.split(marker)]
        return [p for p in parts if p] if parts and not parts[0] else [p for p in parts[1:] if p]

    @staticmethod
    def _feedback(text: str) -> tuple[str, str]:
        value, _, feedback = text.partition("#")
        return restore(value).strip(), restore(feedback).strip()

    def _choice(self, answer: str, line: int, notes: list[str]):
        single = "=" in answer
        entries = [e.strip() for e in answer.replace("=", "~=").split("~")]
        entries = [e for e in entries if e]
        if len(entries) < 2:
            self.problem(line, "error", "a multiple-choice question needs at least two answers")
            return None
        choices, weights = [], []
        for entry in entries:
            if entry.startswith("="):
                weight, entry = 100.0, entry[1:]
            elif (m := WEIGHT.match(entry)) is not None:
                weight, entry = float(m.group(1)), entry[m.end() :]
            else:
                weight = 0.0
            value, feedback = self._feedback(entry)
            if feedback:
                notes.append(f"*{value}*: {feedback}")
            choices.append(value)
            weights.append(weight)
        right = [c for c, w in zip(choices, weights, strict=True) if w > 0]
        if single and len(right) == 1 and all(w in (0, 100) for w in weights):
            return {"type": "single", "choices": choices, "answer": right[0]}
        if single:
            self.problem(
                line,
                "warning",
                "partial-credit weights in a one-answer question are not kept: only the "
                "= answer counts as right",
            )
            answer_value = next(c for c, w in zip(choices, weights, strict=True) if w == 100)
            return {"type": "single", "choices": choices, "answer": answer_value}
        if not right:
            self.problem(
                line,
                "error",
                "no answer has a positive weight: mark the right answers with ~%50% "
                "(weights adding up to 100)",
            )
            return None
        data = {"type": "multiple", "choices": choices, "answers": right}
        given = dict(zip(choices, weights, strict=True))
        if any(abs(given[c] - w) > 0.01 for c, w in default_fractions(choices, right).items()):
            penalised = any(w < 0 for w in weights) and len(given) == len(choices)
            if penalised and abs(sum(w for w in weights if w > 0) - 100) <= 0.01:
                data["fractions"] = given  # the author's own penalties, kept as they are
            else:
                self.problem(
                    line,
                    "warning",
                    "these weights are graded quizapp's way: the right answers share +100% "
                    "and the wrong ones -100% (weights are kept when the right ones add up to "
                    "100 and the wrong ones are negative)",
                )
        return data

    def _true_false(self, answer: str, line: int, notes: list[str]):
        value, _, feedback = answer.partition("#")
        wrong, _, right = feedback.partition("#")  # Moodle: {T#if answered wrong#if right}
        if right.strip():
            notes.append(restore(right).strip())
        if wrong.strip():
            notes.append(f"*If you answered otherwise*: {restore(wrong).strip()}")
        return {"type": "true_false", "answer": TRUE_FALSE[value.strip()]}

    def _short(self, answer: str, line: int, notes: list[str]):
        accepted = []
        for entry in self._split(answer, "="):
            weight = 100.0
            if (m := WEIGHT.match(entry)) is not None:
                weight, entry = float(m.group(1)), entry[m.end() :]
            value, feedback = self._feedback(entry)
            if weight < 100:
                self.problem(
                    line,
                    "warning",
                    f"answer '{value}' gives partial credit ({weight:g}%), which quizapp does "
                    "not: it is left out",
                )
                continue
            if feedback:
                notes.append(f"*{value}*: {feedback}")
            accepted.append(value)
        if not accepted:
            self.problem(
                line,
                "error",
                "a short-answer question needs at least one fully right answer (=answer)",
            )
            return None
        return {"type": "short", "answers": accepted}

    def _numeric(self, answer: str, line: int, notes: list[str]):
        answer = answer[1:]
        if "~" in answer:
            answer, wrong = answer.split("~", 1)
            if self._feedback(wrong)[1]:
                notes.append(self._feedback(wrong)[1])
        entries = [e for e in (p.strip() for p in answer.split("=")) if e]
        if not entries:
            self.problem(
                line, "error", "a numeric question needs a number: {#3.14:0.01} or {#1..5}"
            )
            return None
        if len(entries) > 1:
            self.problem(
                line,
                "warning",
                "only the first numeric answer is kept; quizapp gives no partial credit for "
                "the others",
            )
        entry = entries[0]
        if (m := WEIGHT.match(entry)) is not None:
            entry = entry[m.end() :]
        value, feedback = self._feedback(entry)
        if feedback:
            notes.append(feedback)
        try:
            if ".." in value:
                low, high = (float(v) for v in value.split("..", 1))
                return {"type": "numeric", "range": [_number(low), _number(high)]}
            if ":" in value:
                number, tolerance = (float(v) for v in value.split(":", 1))
                return {
                    "type": "numeric",
                    "answer": _number(number),
                    "tolerance": _number(tolerance),
                }
            return {"type": "numeric", "answer": _number(float(value))}
        except ValueError:
            self.problem(
                line, "error", f"'{value}' is not a number, a number:tolerance or a min..max range"
            )
            return None

    def _matching(self, answer: str, line: int, notes: list[str]):
        pairs, distractors = [], []
        for entry in self._split(answer, "="):
            if "->" not in entry:
                self.problem(
                    line,
                    "error",
                    f"each matching item is written =left -> right; '{restore(entry)}' has no ->",
                )
                return None
            left, right = (restore(part).strip() for part in entry.split("->", 1))
            if left:
                pairs.append([left, right])
            else:
                distractors.append(right)  # Moodle: "= -> x" is an extra wrong answer
        fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
        if distractors:
            fields["distractors"] = distractors
        return fields

    def _missing_word(self, answer, before, after, line, notes):
        """Text after the braces: Moodle's missing-word question, here a one-blank cloze."""
        kind = self._kind(answer)
        if kind == "choice":
            fields = self._choice(answer, line, notes)
            if fields is None:
                return None
            accepted = [fields["answer"]] if fields["type"] == "single" else fields["answers"][:1]
            self.problem(
                line,
                "warning",
                "a missing-word question with choices becomes a typed blank: students type "
                "the answer",
            )
        elif kind == "short":
            fields = self._short(answer, line, notes)
            if fields is None:
                return None
            accepted = fields["answers"]
        else:
            self.problem(
                line,
                "error",
                "a missing-word question (text after the braces) needs =answers or choices",
            )
            return None
        blank = "|".join(a.replace("|", "/") for a in accepted)
        text = f"{restore(before).strip()} [[{blank}]] {restore(after).strip()}".strip()
        return {"text": text}


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value
