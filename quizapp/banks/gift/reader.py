"""Moodle GIFT files, read the way Moodle's own GIFT format reader does.

Reading builds the same data a YAML bank holds and validates it with the same rules (so the
messages are the same), each problem located at the line of its GIFT question. What GIFT can
say that quizapp cannot grade the same way is a located error or warning, never a silent change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ..document import BankFile, Location, Problem
from .kinds import FORMAT, AnswerKinds
from .syntax import protect, restore, slugify

META = re.compile(r"\[(id|tag|bank|order|summary):?([^\]]*)\]")


@dataclass
class Block:
    line: int  # first line of the block, 1-based
    text: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)


def split_blocks(text: str) -> list[Block]:
    """Questions are separated by blank lines; comment lines (//) belong to their block and
    are read only for [id:...], [tag:...] and our bank metadata."""
    blocks: list[Block] = []
    current: Block | None = None
    lines: list[str] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            if current is not None:
                current.text = "\n".join(lines).strip()
                blocks.append(current)
            current, lines = None, []
            continue
        if current is None:
            current = Block(number)
        if stripped.startswith("//"):
            current.meta.extend(META.findall(stripped))
            continue
        if not lines:
            current.line = number  # report problems at the question, not at its comments
        lines.append(raw)
    if current is not None:
        current.text = "\n".join(lines).strip()
        blocks.append(current)
    return blocks


class GiftReader(AnswerKinds):
    """Turns one GIFT file into bank data plus located problems."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def problem(self, line: int, severity: str, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line, 1), severity, message))

    def read(self, text: str, default_bank: str) -> list[tuple[dict, dict[int, int]]]:
        """Banks as (data, {question index: line}); data is shaped like a YAML bank."""
        title = default_bank
        banks: list[tuple[dict, dict[int, int]]] = []
        bank = self._new_bank(slugify(default_bank, 80) or "gift-bank", title, 0, 1)
        for block in split_blocks(text.replace("\r\n", "\n").lstrip("\ufeff")):
            meta = dict(block.meta)
            body = protect(block.text)
            if body.startswith("$CATEGORY:"):
                if "\n" in body or "{" in body:
                    # Moodle reads the whole block as the category path: say so (B25).
                    self.problem(
                        block.line,
                        "warning",
                        "$CATEGORY: is followed by more lines (or a {), which all become part of "
                        "the category name and are not read as questions: put a blank line after "
                        "the $CATEGORY: line",
                    )
                if bank[0]["questions"]:
                    banks.append(bank)
                title = restore(body[len("$CATEGORY:") :].strip()).rstrip("/").split("/")[-1]
                title = title.strip() or default_bank
                bank_id = meta.get("bank") or slugify(title, 80) or "gift-bank"
                # ASCII digits only (int() reads at most 4,300); the bank rules check the range.
                digits = re.fullmatch(r"[0-9]{1,4300}", meta.get("order", ""))
                order = int(digits.group()) if digits else 0
                bank = self._new_bank(bank_id, title, order, block.line)
                continue
            if not body:
                continue
            question = self.question(block, body)
            if question == "summary":
                bank[0]["bank"]["summary"] = self._summary(body)
            elif question is not None:
                bank[1][len(bank[0]["questions"])] = block.line
                bank[0]["questions"].append(question)
        if bank[0]["questions"] or not banks:
            banks.append(bank)
        return banks

    @staticmethod
    def _new_bank(bank_id: str, title: str, order: int, line: int):
        return (
            {"bank": {"id": bank_id, "title": title, "order": order}, "questions": []},
            {-1: line},
        )

    @staticmethod
    def _summary(body: str) -> str:
        body = re.sub(r"^::.*?::", "", body, count=1, flags=re.S).lstrip()
        # Only spaces go: an escaped line break at the end is part of the text.
        return restore(FORMAT.sub("", body)).strip(" \t")

    def question(self, block: Block, body: str):
        """One block as question data, "summary" for the bank summary, or None (reported)."""
        line, meta = block.line, block.meta
        name, body = self._take_title(body)
        parts = self._take_answer_part(body, line, meta)
        if parts is None or parts == "summary":
            return parts
        answer, before, after = parts
        before = self._take_format(before, line)
        feedback = ""
        general = answer.rfind("####")
        if general != -1:
            feedback, answer = answer[general + 4 :].strip(), answer[:general].strip()
        notes: list[str] = []
        fields = self._kind_fields(answer, before, after, line, notes)
        if fields is None:
            return None
        data: dict[str, Any] = {"id": self._id(meta, name, before + after), **fields}
        explanation = "\n\n".join(
            part for part in (restore(FORMAT.sub("", feedback)).strip(), *notes) if part
        )
        if explanation:
            data["explanation"] = explanation
        tags = [slugify(value, 80) for key, value in meta if key == "tag" and slugify(value, 80)]
        if tags:
            data["tags"] = tags
        return data

    @staticmethod
    def _take_title(body: str) -> tuple[str | None, str]:
        if body.startswith("::"):
            end = body.find("::", 2)
            if end != -1:
                return restore(body[2:end]).strip(), body[end + 2 :].strip()
        return None, body

    def _take_answer_part(self, body: str, line: int, meta):
        """(answer, text before, text after) of the one { ... } part; "summary"; or None."""
        start, finish = body.find("{"), body.find("}")
        if start == -1 and finish == -1:
            if any(key == "summary" for key, _ in meta):
                return "summary"
            self.problem(
                line,
                "warning",
                "text without answer braces is a description, not a question: skipped",
            )
            return None
        if start == -1 or finish == -1 or finish < start:
            self.problem(
                line,
                "error",
                "unbalanced braces: a question needs one { ... } answer part "
                "(escape a literal brace as \\{ or \\})",
            )
            return None
        second = body.find("{", start + 1)
        if second != -1 and second < finish or body.find("}", finish + 1) != -1:
            self.problem(
                line,
                "error",
                "more than one { ... } answer part: GIFT allows one per question "
                "(escape literal braces)",
            )
            return None
        return body[start + 1 : finish].strip(), body[:start].rstrip(), body[finish + 1 :].strip()

    def _take_format(self, before: str, line: int) -> str:
        match = FORMAT.match(before)
        if match is None:
            return before
        if match.group(1) == "html":
            self.problem(
                line,
                "warning",
                "[html] text is shown as text here (quizapp uses Markdown): convert it to Markdown",
            )
        return before[match.end() :].lstrip()

    def _kind_fields(self, answer: str, before: str, after: str, line: int, notes: list[str]):
        kind = self._kind(answer)
        if kind == "essay":
            self.problem(
                line,
                "error",
                "an essay question ({}) needs a person to grade it; quizapp grades "
                "automatically, so it is not supported",
            )
            return None
        if after:
            fields = self._missing_word(answer, before, after, line, notes)
            return None if fields is None else {"type": "cloze", **fields}
        fields = getattr(self, f"_{kind}")(answer, line, notes)
        return None if fields is None else {"prompt": restore(before).strip(), **fields}

    def _id(self, meta, name: str | None, text: str) -> str:
        for key, value in meta:
            if key == "id" and value.strip():
                return value.strip()
        if name and slugify(name, 80):
            return slugify(name, 80)
        return "q-" + hashlib.sha1(restore(text).strip().encode()).hexdigest()[:10]


def _node(data: Any, mark) -> Node:
    node = yaml.representer.SafeRepresenter().represent_data(data)
    _mark(node, mark)
    return node


def _mark(node: Node, mark) -> None:
    node.start_mark = node.end_mark = mark
    if isinstance(node, SequenceNode):
        for child in node.value:
            _mark(child, mark)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            _mark(key, mark)
            _mark(value, mark)


def gift_nodes(data: dict, lines: dict[int, int], path: str) -> Node:
    """A YAML-like node tree of the bank, each question marked at its GIFT line."""

    def mark(line: int):
        return yaml.Mark(path, 0, line - 1, 0, None, None)

    node = _node({k: v for k, v in data.items() if k != "questions"}, mark(lines[-1]))
    questions = SequenceNode(
        "tag:yaml.org,2002:seq", [_node(q, mark(lines[i])) for i, q in enumerate(data["questions"])]
    )
    questions.start_mark = questions.end_mark = mark(lines[-1])
    key = _node("questions", mark(lines[-1]))
    node.value.append((key, questions))
    return node


def read_gift(text: str, path: str, problems: list[Problem], parse_bank) -> list[BankFile]:
    """Parse GIFT text and validate each bank with `parse_bank` (the YAML loader's rules)."""
    default = re.sub(r"^\d+[-_ ]*", "", path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "gift"
    banks = []
    for data, lines in GiftReader(path, problems).read(text, default):
        if not data["questions"]:
            problems.append(
                Problem(
                    Location(path, lines[-1], 1), "error", "no questions found in this GIFT file"
                )
            )
            continue
        bank = parse_bank(gift_nodes(data, lines, path))
        if bank is not None:
            banks.append(bank)
    return banks
