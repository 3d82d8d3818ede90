"""The per-type rules of format v1: which keys a question type takes and how they are checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yaml.nodes import Node

from ..grading import CLOZE_BLANK, cloze_blanks, normalise_text
from .yamlnodes import NodeReader, suggest

Fields = dict[str, tuple[Node, Node]]
BodyParser = Callable[[NodeReader, Fields, Node], dict[str, Any] | None]

COMMON_KEYS = ("id", "type", "prompt", "explanation", "tags", "points", "card")


@dataclass(frozen=True)
class TypeRule:
    keys: tuple[str, ...]
    parse: BodyParser
    needs_prompt: bool = True


def _choices(reader: NodeReader, fields: Fields, node: Node, what: str):
    choices_node = reader.require(fields, "choices", node, what)
    if choices_node is None:
        return None
    return reader.text_list(choices_node, "choices", min_items=2)


def _pick(reader: NodeReader, value: str, answer_node: Node, choices: list[str], key: str) -> bool:
    if value in choices:
        return True
    near = [c for c in choices if c.strip().casefold() == value.strip().casefold()]
    hint = f" (did you mean '{near[0]}'?)" if near else suggest(value, choices)
    reader.error(answer_node, f"{key} '{value}' is not one of the choices{hint}")
    return False


def _shuffle(reader: NodeReader, fields: Fields, body: dict[str, Any]) -> bool:
    if "shuffle" not in fields:
        return True
    value = reader.boolean(fields["shuffle"][1], "shuffle")
    if value is False:
        body["shuffle"] = False
    return value is not None


def parse_single(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    what = "a single-answer question"
    choices = _choices(reader, fields, node, what)
    answer_node = reader.require(fields, "answer", node, what)
    answer = reader.text(answer_node, "answer") if answer_node is not None else None
    body: dict[str, Any] = {}
    shuffle_ok = _shuffle(reader, fields, body)
    if choices is None or answer is None:
        return None
    texts = [text for text, _ in choices]
    if not _pick(reader, answer, answer_node, texts, "answer") or not shuffle_ok:
        return None
    return {"choices": texts, "answer": answer, **body}


def parse_multiple(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    what = "a multiple-answer question"
    choices = _choices(reader, fields, node, what)
    answers_node = reader.require(fields, "answers", node, what)
    answers = reader.text_list(answers_node, "answers") if answers_node is not None else None
    body: dict[str, Any] = {}
    shuffle_ok = _shuffle(reader, fields, body)
    if choices is None or answers is None:
        return None
    texts = [text for text, _ in choices]
    picked = [_pick(reader, value, item, texts, "answer") for value, item in answers]
    if not all(picked) or not shuffle_ok:
        return None
    return {"choices": texts, "answers": [value for value, _ in answers], **body}


def parse_true_false(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    answer_node = reader.require(fields, "answer", node, "a true/false question")
    if answer_node is None:
        return None
    answer = reader.boolean(answer_node, "answer")
    return None if answer is None else {"answer": answer}


def _accepted_answers(reader: NodeReader, node: Node, what: str) -> list[str] | None:
    answers = reader.text_list(node, what)
    if answers is None:
        return None
    ok = True
    for value, item in answers:
        if not normalise_text(value):
            reader.error(item, f"accepted answer '{value}' has nothing left once punctuation goes")
            ok = False
    return [value for value, _ in answers] if ok else None


def parse_short(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    answers_node = reader.require(fields, "answers", node, "a short-answer question")
    answers = _accepted_answers(reader, answers_node, "answers") if answers_node else None
    body: dict[str, Any] = {}
    pattern_ok = True
    if "pattern" in fields:
        pattern_node = fields["pattern"][1]
        pattern = reader.text(pattern_node, "pattern")
        pattern_ok = pattern is not None
        if pattern is not None:
            try:
                re.compile(pattern, re.IGNORECASE)
                body["pattern"] = pattern
            except re.error as exc:
                reader.error(pattern_node, f"pattern is not a valid regular expression: {exc}")
                pattern_ok = False
    if answers is None or not pattern_ok:
        return None
    return {"answers": answers, **body}


def parse_numeric(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    body: dict[str, Any] = {}
    ok = True
    if "answer" in fields:
        answer = reader.number(fields["answer"][1], "answer")
        ok = answer is not None
        body["answer"] = answer
    if "tolerance" in fields:
        tolerance_node = fields["tolerance"][1]
        tolerance = reader.number(tolerance_node, "tolerance")
        if tolerance is not None and tolerance < 0:
            reader.error(tolerance_node, f"tolerance must be 0 or more, not {tolerance}")
            tolerance = None
        ok = ok and tolerance is not None
        body["tolerance"] = tolerance
    if "range" in fields:
        range_node = fields["range"][1]
        bounds = reader.sequence(range_node, "range", min_items=2)
        if bounds is not None and len(bounds) != 2:
            reader.error(range_node, "range must be exactly two numbers: [min, max]")
            bounds = None
        if bounds is None:
            ok = False
        else:
            low, high = (reader.number(b, "each end of range") for b in bounds)
            if low is None or high is None:
                ok = False
            elif low > high:
                reader.error(range_node, f"range [{low}, {high}] is empty: min is above max")
                ok = False
            body["range"] = [low, high]
    if "unit" in fields:
        unit = reader.text(fields["unit"][1], "unit")
        ok = ok and unit is not None
        body["unit"] = unit
    if not ok:
        return None
    if "answer" not in body and "range" not in body:
        reader.error(node, "a numeric question needs an 'answer' (or a 'range' of right answers)")
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


def parse_ordering(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    items_node = reader.require(fields, "items", node, "an ordering question")
    items = reader.text_list(items_node, "items", min_items=2) if items_node else None
    return None if items is None else {"items": [value for value, _ in items]}


def parse_matching(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    pairs_node = reader.require(fields, "pairs", node, "a matching question")
    entries = reader.sequence(pairs_node, "pairs", min_items=2) if pairs_node else None
    body: dict[str, Any] = {}
    ok = _shuffle(reader, fields, body)
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
        distractors = reader.text_list(fields["distractors"][1], "distractors")
        rights = {right.strip().casefold() for _, right in pairs}
        for value, item in distractors or []:
            if value.strip().casefold() in rights:
                reader.error(item, f"distractor '{value}' is also a right-hand side of a pair")
                ok = False
        if distractors is None:
            ok = False
        else:
            body["distractors"] = [value for value, _ in distractors]
    if entries is None or not ok:
        return None
    return {"pairs": pairs, **body}


def parse_cloze(reader: NodeReader, fields: Fields, node: Node) -> dict[str, Any] | None:
    text_node = reader.require(fields, "text", node, "a cloze question")
    text = reader.text(text_node, "text") if text_node is not None else None
    if text is None:
        return None
    leftover = CLOZE_BLANK.sub("", text)
    if "[[" in leftover or "]]" in leftover:
        reader.error(text_node, "text has a '[[' or ']]' that does not close a blank")
        return None
    blanks = cloze_blanks(text)
    if not blanks:
        reader.error(text_node, "a cloze text needs at least one blank, written [[answer]]")
        return None
    for number, accepted in enumerate(blanks, start=1):
        if not all(normalise_text(alt) for alt in accepted):
            reader.error(text_node, f"blank {number} has an empty accepted answer")
            return None
    return {"text": text}


TYPE_RULES: dict[str, TypeRule] = {
    "single": TypeRule(("choices", "answer", "shuffle"), parse_single),
    "multiple": TypeRule(("choices", "answers", "shuffle"), parse_multiple),
    "true_false": TypeRule(("answer",), parse_true_false),
    "short": TypeRule(("answers", "pattern"), parse_short),
    "numeric": TypeRule(("answer", "tolerance", "range", "unit"), parse_numeric),
    "ordering": TypeRule(("items",), parse_ordering),
    "matching": TypeRule(("pairs", "distractors", "shuffle"), parse_matching),
    "cloze": TypeRule(("text",), parse_cloze, needs_prompt=False),
}

ALL_QUESTION_KEYS = frozenset(COMMON_KEYS).union(*(rule.keys for rule in TYPE_RULES.values()))
