"""Moodle GIFT files, read the way Moodle's own GIFT reader does (qformat_gift).

Blocks separated by blank lines become categories (banks) and MoodleQuestions with the same
types, weights, feedback and numbers Moodle would give them; banks/moodle/banks.py then asks
the question types to turn them into bank data and checks it with the YAML rules. Comments
are ignored by Moodle; quizapp reads `[id:...]` and `[tag:...]` (as Moodle does) and its own
`[bank:...]`, `[order:...]` and `[summary]` from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import BankFile, Problem
from ..moodle.banks import BankBuilder, Category
from ..moodle.model import GAP, MoodleQuestion, Text
from .kinds import Kinds, with_format
from .syntax import protect, restore

META = re.compile(r"\[(id|tag|bank|order|summary):?([^\]]*)\]")
FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]")


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


class GiftReader(Kinds):
    """Turns one GIFT file into banks, through BankBuilder."""

    def __init__(self, path: str, problems: list[Problem]):
        self.builder = BankBuilder(path, problems)

    def read(self, text: str) -> BankBuilder:
        for block in split_blocks(text.replace("\r\n", "\n").lstrip("\ufeff")):
            body = protect(block.text)
            meta = dict(block.meta)
            if body.startswith("$CATEGORY:"):
                self.category(block, body, meta)
            elif body:
                question = self.question(block, body)
                if question is not None:
                    self.builder.question(question)
        return self.builder

    def category(self, block: Block, body: str, meta: dict[str, str]) -> None:
        if "\n" in body or "{" in body:
            # Moodle reads the whole block as the category path: say so (B25).
            self.builder.problem(
                block.line,
                "warning",
                "$CATEGORY: is followed by more lines (or a {), which all become part of the "
                "category name and are not read as questions: put a blank line after the "
                "$CATEGORY: line",
            )
        path = restore(body[len("$CATEGORY:") :].strip())
        order = meta.get("order", "")
        self.builder.category(Category(path, block.line, meta.get("bank", ""), order))

    def question(self, block: Block, body: str) -> MoodleQuestion | None:
        """One block as Moodle reads it; a bank summary (`// [summary]`) goes to the bank."""
        question = MoodleQuestion("description", line=block.line)
        question.report = lambda severity, message: self.builder.problem(
            block.line, severity, message
        )
        question.idnumber = next((v.strip() for k, v in block.meta if k == "id" and v.strip()), "")
        question.tags = [value.strip() for key, value in block.meta if key == "tag"]
        if body.startswith("::"):
            end = body.find("::", 2)
            if end != -1:
                question.name, body = restore(body[2:end]).strip(), body[end + 2 :].strip()
            else:
                body = body[2:]
        start, finish = body.find("{"), body.find("}")
        if start == -1 and finish == -1:
            if any(key == "summary" for key, _ in block.meta):
                match = FORMAT.match(body)
                fmt, body = (match.group(1), body[match.end() :]) if match else ("moodle", body)
                # Only spaces go: an escaped line break at the end is part of the text.
                self.builder.summary(Text(restore(body).strip(" \t"), fmt).markdown()[0])
                return None
            question.text = with_format(body, "moodle")
            return question
        if start == -1 or finish == -1 or finish < start:
            question.error(
                "unbalanced braces: a question needs one { ... } answer part "
                "(escape a literal brace as \\{ or \\})"
            )
            return None
        if -1 < body.find("{", start + 1) < finish or body.find("}", finish + 1) != -1:
            question.error(
                "more than one { ... } answer part: GIFT allows one per question "
                "(escape literal braces)"
            )
            return None
        answer = body[start + 1 : finish].strip()
        general = answer.rfind("####")
        feedback = ""
        if general != -1:
            feedback, answer = answer[general + 4 :], answer[:general].strip()
        before, after = body[:start], body[finish + 1 :]
        match = FORMAT.match(before)
        fmt = match.group(1) if match else "moodle"
        before = before[match.end() :] if match else before
        if after.strip():  # text after the braces: Moodle's missing word, "_____" in the text
            question.gap = (Text(restore(before), fmt), Text(restore(after), fmt))
        question.text = Text(restore(before + (GAP if after.strip() else "") + after).strip(), fmt)
        question.general = with_format(feedback.strip(), fmt)
        question.qtype = self.kind(answer)
        if question.qtype != "essay" and not getattr(self, question.qtype)(question, answer, fmt):
            return None
        return question


def read_gift(text: str, path: str, problems: list[Problem], parse_bank) -> list[BankFile]:
    """Parse GIFT text and validate each bank with `parse_bank` (the YAML loader's rules)."""
    return GiftReader(path, problems).read(text).finish(parse_bank)
