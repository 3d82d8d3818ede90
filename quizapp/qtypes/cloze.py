"""Cloze: a text with typed blanks, written [[answer]] or [[answer|other accepted answer]]."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..banks.moodle.model import Answer, MoodleQuestion, Text
from .base import (
    BankEdit,
    Data,
    FormValues,
    Grade,
    PartMark,
    PartReview,
    QuestionType,
    ResponsePart,
)
from .editing import Editable, yes_no
from .helpers import (
    MAX_TEXT_ANSWER,
    TEXT_RULES,
    bounded,
    cloze_blanks,
    cloze_segments,
    first_value,
    split_cloze,
    text_rules,
)
from .short import moodle_answer, typed_answers
from .textmatch import TextKey, judge, normalise

GAP = "[...]"
PLACE = re.compile(r"\{#(\d+)\}")  # where Moodle's cloze (multianswer) text holds blank n


def split_prompt(text: str) -> tuple[str | None, str]:
    """Moodle's cloze has one text: its paragraphs before the one with the first blank are
    read as the prompt (they show the same), the rest as the cloze text."""
    head = text[: max(0, text.find("[["))]
    cut = head.rfind("\n\n")
    return (None, text) if cut == -1 else (text[:cut].strip(), text[cut + 2 :].strip())


class Cloze(QuestionType):
    key = "cloze"
    label = "cloze"
    fields = {
        "text": {
            "type": "string",
            "pattern": r"\[\[(?:[^\]]|\][^\]])+\]\]",
            "description": "Blanks as [[answer]] or [[answer|other]].",
        },
        **TEXT_RULES,
    }
    required = ("text",)
    needs_prompt = False
    moodle_types = ("multianswer",)
    overridable = True
    part_label = "Blank"
    editable = (
        Editable("text", "Text", "markdown", "Blanks as [[answer]] or [[answer|other]]."),
        Editable("reject", "Rejected answers", "lines", "Near misses that stay wrong."),
        yes_no("typos", "Forgive typos", True),
    )

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        text_node = reader.require(fields, "text", node, "a cloze question")
        text = reader.text(text_node, "text") if text_node is not None else None
        if text is None:
            return None
        leftover = "".join(cloze_segments(text))
        if "[[" in leftover or "]]" in leftover:
            reader.error(text_node, "text has a '[[' or ']]' that does not close a blank")
            return None
        blanks = cloze_blanks(text)
        if not blanks:
            reader.error(text_node, "a cloze text needs at least one blank, written [[answer]]")
            return None
        for number, accepted in enumerate(blanks, start=1):
            if not all(normalise(alt) for alt in accepted):
                reader.error(text_node, f"blank {number} has an empty accepted answer")
                return None
        body: dict[str, Any] = {}
        if not text_rules(reader, fields, body, [alt for alts in blanks for alt in alts]):
            return None
        return {"text": text, **body}

    def present(self, data: Data, rng) -> dict[str, Any]:
        return {"blanks": len(cloze_blanks(data["text"]))}

    def display(self, data: Data) -> dict[str, Any]:
        return {"segments": cloze_segments(data["text"])}

    def stem(self, data: Data) -> str:
        return f" {GAP} ".join(cloze_segments(data["text"]))

    def field_names(self, presentation: Mapping[str, Any]) -> list[str]:
        return [f"blank-{i}" for i in range(presentation["blanks"])]

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        filled = [
            bounded(first_value(values, name), MAX_TEXT_ANSWER, f"Blank {n}")
            for n, name in enumerate(self.field_names(presentation), start=1)
        ]
        return filled if any(filled) else None

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {f"blank-{i}": value for i, value in enumerate(response)}

    def describe(self, response: Any) -> str:
        return " · ".join(item or "—" for item in response)

    def grade(self, data: Data, response: Any) -> Grade:
        blanks = cloze_blanks(data["text"])
        given = list(response or [])
        verdicts = [
            judge(str(given[index] or ""), self._key(data, blanks, index))
            if index < len(given)
            else None
            for index in range(len(blanks))
        ]
        parts = tuple(PartMark(str(n), bool(v and v.right)) for n, v in enumerate(verdicts, 1))
        notes = [f"Blank {n}: {v.note}" for n, v in enumerate(verdicts, 1) if v and v.note]
        if len(blanks) == 1:
            notes = [v.note for v in verdicts if v and v.note]
        return Grade(sum(p.right for p in parts) / len(blanks), parts, " ".join(notes) or None)

    @staticmethod
    def _key(data: Data, blanks: list[list[str]], index: int) -> TextKey:
        others = [alt for n, alts in enumerate(blanks) if n != index for alt in alts]
        context = " ".join([data.get("prompt") or "", *cloze_segments(data["text"])])
        return TextKey(
            answers=blanks[index],
            reject=data.get("reject", ()),
            distractors=others,
            typos=data.get("typos", True),
            context=context,
            background=data.get("explanation") or "",
        )

    def answer_text(self, data: Data) -> str:
        parts = split_cloze(data["text"])
        parts[1::2] = [f"**{blank.split('|')[0].strip()}**" for blank in parts[1::2]]
        return "".join(parts)

    def review(self, data: Data, presentation, response: Any) -> dict[str, PartReview]:
        """Each blank: right, or wrong with its (first) accepted answer."""
        parts = {p.part: p.right for p in self.grade(data, response).parts}
        marks = {}
        for index, accepted in enumerate(cloze_blanks(data["text"])):
            right = parts.get(str(index + 1), False)
            marks[f"blank-{index}"] = (
                PartReview("right") if right else PartReview("wrong", accepted[0].strip())
            )
        return marks

    def card_front(self, data: Data) -> str:
        text = GAP.join(cloze_segments(data["text"]))
        return f"{data['prompt']}\n\n{text}" if data.get("prompt") else text

    def card_gaps(self, data: Data) -> tuple[list[str], list[str]] | None:
        parts = split_cloze(data["text"])
        if data.get("prompt"):
            parts[0] = f"{data['prompt']}\n\n{parts[0]}"
        return parts[::2], [blank.split("|")[0].strip() for blank in parts[1::2]]

    def sample(self, data, presentation, right, rng):
        return [alts[0] if right else "?" for alts in cloze_blanks(data["text"])]

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart]:
        return [
            ResponsePart(str(n), normalise(str(text)), str(text).strip())
            for n, text in enumerate(response or [], start=1)
            if text
        ]

    def bank_edit(self, data: Data, part: str, text: str, accept: bool) -> BankEdit | None:
        if not accept:
            return BankEdit("reject", text)
        return BankEdit("text", text, blank=int(part)) if part.isdigit() else None

    # ---- Moodle: a cloze (multianswer) question; in GIFT, a missing-word question ----------

    def to_moodle(self, data: Data) -> MoodleQuestion:
        parts = split_cloze(data["text"])
        reject = [Answer(Text(moodle_answer(t), "plain"), 0.0) for t in data.get("reject", [])]
        blanks = [
            MoodleQuestion(
                "shortanswer",
                answers=reject
                + [Answer(Text(moodle_answer(a.strip()), "plain"), 1.0) for a in blank.split("|")],
                mark=1.0,
            )
            for blank in parts[1::2]
        ]
        marked = list(parts)
        marked[1::2] = [f"{{#{n}}}" for n in range(1, len(blanks) + 1)]
        prompt = data.get("prompt")
        text = "".join(marked) if not prompt else f"{prompt}\n\n{''.join(marked)}"
        lost = ["typos"] if "typos" in data else []
        if split_prompt(PLACE.sub("[[x]]", text)) != (prompt, PLACE.sub("[[x]]", "".join(marked))):
            lost.append("prompt (joined to the text)")
        if data.get("points", 1) != 1:
            lost.append("points (Moodle marks a cloze by its number of blanks)")
        return MoodleQuestion("multianswer", text=Text(text), blanks=blanks, lost=lost)

    def claims(self, question: MoodleQuestion) -> bool:
        return question.qtype == "multianswer" or (
            question.qtype == "shortanswer" and question.gap is not None
        )

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        if question.gap is not None:  # GIFT's missing word: a one-blank cloze
            before, after = question.gap
            text, blanks = Text(f"{before.value}{{#1}}{after.value}", before.format), [question]
        else:
            text, blanks = question.text, question.blanks
        pieces = PLACE.split(question.md(text, "question text"))
        rejects: list[list[str]] = []
        for index in range(1, len(pieces), 2):
            number = int(pieces[index])
            if not 0 < number <= len(blanks):
                question.error(f"the text refers to blank {number}, which is not defined")
                return None
            accepted, reject = self._blank(question, blanks[number - 1], number)
            if not accepted:
                question.error(f"blank {number} needs at least one fully right answer")
                return None
            rejects.append(reject)
            pieces[index] = "[[" + "|".join(a.replace("|", "/") for a in accepted) + "]]"
        prompt, cloze = split_prompt("".join(pieces))
        body: dict[str, Any] = {"prompt": prompt, "text": cloze}
        merged = list(dict.fromkeys(r for reject in rejects for r in reject))
        if merged:
            body["reject"] = merged
            if any(set(reject) != set(merged) for reject in rejects):
                question.warn("the wrong answers of each blank are wrong for every blank here")
        if len({b.mark for b in blanks if b.mark is not None}) > 1:
            question.warn("Moodle weighs these blanks differently; quizapp weighs them equally")
        return body

    @staticmethod
    def _blank(question: MoodleQuestion, blank: MoodleQuestion, number: int):
        """A blank's accepted answers and wrong ones, with a warning for what differs."""
        what = f"blank {number}"
        if blank.qtype == "shortanswer":
            body = typed_answers(question, blank.answers, f"{what}'s answer", blank.usecase)
            for key in ("feedback", "pattern"):
                if key in body:
                    question.warn(f"the {key} of {what}'s answers is not kept")
            return body.get("answers", []), body.get("reject", [])
        right = [a.text.plain() for a in blank.answers if a.fraction >= 1]
        kind = "a numerical blank" if blank.qtype == "numerical" else "a menu of choices"
        question.warn(f"{what} is {kind} in Moodle; here students type the answer")
        return right, []
