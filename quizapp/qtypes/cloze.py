"""Cloze: a text with typed blanks, written [[answer]] or [[answer|other accepted answer]]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..banks.gift.syntax import escape
from .base import (
    BankEdit,
    Data,
    FormValues,
    GiftForm,
    Grade,
    NotInGift,
    PartMark,
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
from .textmatch import TextKey, judge, normalise

GAP = "[...]"


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
    gift_drops = ("reject", "typos")
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

    def card_front(self, data: Data) -> str:
        text = GAP.join(cloze_segments(data["text"]))
        return f"{data['prompt']}\n\n{text}" if data.get("prompt") else text

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

    def to_gift(self, data: Data) -> GiftForm:
        parts = split_cloze(data["text"])
        if len(parts) != 3:
            raise NotInGift("GIFT's missing-word question has one blank; this cloze has several")
        before, blank, after = parts
        if not after.strip():
            raise NotInGift(
                "a blank at the very end reads as a short answer in GIFT, not a missing word"
            )
        accepted = " ".join("=" + escape(a.strip()) for a in blank.split("|"))
        lost = ("prompt",) if "prompt" in data else ()
        return GiftForm(accepted, before=before.rstrip(), after=after.lstrip(), lost=lost)
