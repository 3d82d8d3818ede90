"""Banks to and from Moodle questions, for every Moodle format (GIFT, Moodle XML).

Reading: a format reader hands over categories and MoodleQuestions in file order; BankBuilder
asks the question-type registry which type reads each one (`claims`, `from_moodle`), adds what
every question has (id, prompt, explanation, tags, points), and validates each bank with the
YAML loader's own rules, so the messages are the same, each located at its question's line.

Writing: `to_moodle_question` asks the question's type for its Moodle form and adds the common
parts; the format writers print it and name what their format cannot hold (`Export`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ... import qtypes
from ..document import BankFile, Location, Problem
from ..gift.syntax import slugify
from .model import NO_TEXT, MoodleQuestion, Text, refused_grades

DEFAULT_BANK = "moodle-bank"


def category_path(title: str) -> str:
    """A bank's Moodle category path, below the course's top category."""
    return "$course$/top/" + title.replace("/", "//")


@dataclass
class Category:
    """Moodle's `$CATEGORY:` (GIFT) or category question (XML): where a bank starts."""

    path: str  # as written: "$course$/top/Solar System"
    line: int
    bank_id: str = ""  # GIFT: // [bank:id]; XML: the category's idnumber
    order: str = ""  # // [order:N] (GIFT comment) or <!-- [order:N] --> (XML comment)
    summary: str | None = None  # Markdown (XML: the category's info)

    @property
    def title(self) -> str:
        """The last name of the path ("//" is a slash inside a name, as in Moodle)."""
        names = re.split(r"(?<!/)/(?!/)", self.path.strip())
        return names[-1].replace("//", "/").strip() if names else ""


def bank_name(path: str) -> str:
    """The default bank title of a file: its name without the extension and a number prefix."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"^\d+[-_ ]*", "", stem) or stem or DEFAULT_BANK


class BankBuilder:
    """Bank data built from one file's categories and questions, with located problems."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        title = bank_name(path)
        self.banks: list[tuple[dict, dict[int, int]]] = []
        self._start(slugify(title, 80) or DEFAULT_BANK, title, 0, 1)

    def problem(self, line: int, severity: str, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line, 1), severity, message))

    def _start(self, bank_id: str, title: str, order: int, line: int) -> None:
        data = {"bank": {"id": bank_id, "title": title, "order": order}, "questions": []}
        self.banks.append((data, {-1: line}))
        self.ids: set[str] = set()

    def category(self, category: Category) -> None:
        if not self.banks[-1][0]["questions"]:
            self.banks.pop()  # the file's default bank, or a category with no questions
        title = category.title or bank_name(self.path)
        bank_id = category.bank_id.strip() or slugify(title, 80) or DEFAULT_BANK
        # ASCII digits only (int() reads at most 4,300); the bank rules check the range (B10).
        digits = re.fullmatch(r"[0-9]{1,4300}", category.order)
        self._start(bank_id, title, int(digits.group()) if digits else 0, category.line)
        if category.summary:
            self.summary(category.summary)

    def summary(self, text: str) -> None:
        self.banks[-1][0]["bank"]["summary"] = text

    def question(self, question: MoodleQuestion) -> None:
        """Add one question, as the first registered type that claims it reads it."""
        line = question.line
        question.report = lambda severity, message: self.problem(line, severity, message)
        if question.qtype == "description":
            question.warn("text without answers is a description, not a question: skipped")
            return
        if question.qtype == "essay":
            question.error(
                "an essay question needs a person to grade it; quizapp grades automatically, "
                "so it is not supported"
            )
            return
        refused = refused_grades(question)
        if refused:
            question.warn(f"{refused}; quizapp reads it as written")
        kind = next((t for t in qtypes.TYPES.values() if t.claims(question)), None)
        if kind is None:
            question.error(f"Moodle's '{question.qtype}' questions have no quizapp type")
            return
        fields = kind.from_moodle(question)
        if fields is None:
            return
        data: dict[str, Any] = {"id": self._id(question), "type": kind.key}
        if "prompt" in fields:  # a type that reads its prompt itself (a cloze)
            data["prompt"] = fields.pop("prompt")
        elif question.text:
            data["prompt"] = question.md(question.text, "question text")
        if data.get("prompt") is None:
            data.pop("prompt", None)
        data.update(fields)
        if question.general:
            data["explanation"] = question.md(question.general, "general feedback")
        tags = list(dict.fromkeys(t for t in (slugify(tag, 80) for tag in question.tags) if t))
        if tags:
            data["tags"] = tags
        if question.mark is not None and question.mark != 1 and "points" not in data:
            data["points"] = int(question.mark) if question.mark.is_integer() else question.mark
        for what in question.unkept:
            question.warn(f"not kept, as quizapp has no room for it: {what}")
        bank, lines = self.banks[-1]
        lines[len(bank["questions"])] = line
        bank["questions"].append(data)

    def _id(self, question: MoodleQuestion) -> str:
        if question.idnumber.strip():  # Moodle keeps idnumbers unique within a category
            found = slugify(question.idnumber, 80) or question.idnumber.strip()
            self.ids.add(found)
            return found
        base = slugify(question.name, 80)
        if not base:
            text = question.text.value
            if question.gap is not None:  # as quizapp has always hashed a missing word
                text = question.gap[0].value.rstrip() + question.gap[1].value.strip()
            digest = hashlib.sha1(text.strip().encode()).hexdigest()
            base = "q-" + digest[:10]
        found, number = base, 1
        while found in self.ids:  # Moodle's names need not be unique; ids must
            number += 1
            found = f"{base}-{number}"
        self.ids.add(found)
        return found

    def finish(self, parse_bank) -> list[BankFile]:
        """Validate each bank with the YAML loader's rules (`parse_bank` takes a node tree)."""
        found = []
        for data, lines in self.banks:
            if not data["questions"]:
                self.problem(lines[-1], "error", "no questions found in this file")
                continue
            bank = parse_bank(bank_nodes(data, lines, self.path))
            if bank is not None:
                found.append(bank)
        return found


# ---- bank data as a node tree marked with file lines, for the YAML loader's rules ----------


def _node(data: Any, mark) -> Node:
    representer = yaml.representer.SafeRepresenter()
    representer.sort_keys = False  # mappings (fractions, feedback) keep the file's order
    node = representer.represent_data(data)
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


def bank_nodes(data: dict, lines: dict[int, int], path: str) -> Node:
    """A YAML-like node tree of the bank, each question marked at its line in the file."""

    def mark(line: int):
        return yaml.Mark(path, 0, line - 1, 0, None, None)

    node = _node({k: v for k, v in data.items() if k != "questions"}, mark(lines[-1]))
    questions = SequenceNode(
        "tag:yaml.org,2002:seq", [_node(q, mark(lines[i])) for i, q in enumerate(data["questions"])]
    )
    questions.start_mark = questions.end_mark = mark(lines[-1])
    node.value.append((_node("questions", mark(lines[-1])), questions))
    return node


# ---- writing -------------------------------------------------------------------------------


@dataclass
class Export:
    """A written file and what it could not hold, for the exporter's report."""

    text: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (bank/question, why)
    lossy: list[tuple[str, list[str]]] = field(default_factory=list)  # (bank[/question], what)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (bank/question, why)

    def messages(self) -> list[str]:
        lines = [f"not exported: {key}: {why}" for key, why in self.skipped]
        lines += [f"exported without {', '.join(lost)}: {key}" for key, lost in self.lossy]
        lines += [f"exported, but {why}: {key}" for key, why in self.refused]
        return lines

    def add(self, key: str, question: MoodleQuestion, lost: list[str]) -> None:
        """Note what a written question lost, and whether a Moodle site would refuse it."""
        if lost:
            self.lossy.append((key, lost))
        refused = refused_grades(question)
        if refused:
            self.refused.append((key, refused))

    def written(self, data: dict[str, Any], write, refusals: tuple[type[Exception], ...] = ()):
        """The text of each question of one exported bank in a format (`write` gives a Moodle
        question's text and what it lost), noting here what was skipped or lost."""
        bank = data["bank"]["id"]
        for question in data["questions"]:
            key = f"{bank}/{question['id']}"
            try:
                moodle = to_moodle_question(question)
                text, lost = write(moodle)
            except (qtypes.NotInMoodle, *refusals) as exc:
                self.skipped.append((key, str(exc)))
                continue
            self.add(key, moodle, lost)
            yield text
        if data.get("cards"):
            self.lossy.append((bank, [f"{len(data['cards'])} extra card(s)"]))


def to_moodle_question(data: dict[str, Any]) -> MoodleQuestion:
    """A bank question as Moodle holds it; raises qtypes.NotInMoodle."""
    question = qtypes.get(data["type"]).to_moodle(data)
    question.name = question.idnumber = data["id"]
    if question.text is NO_TEXT and data.get("prompt"):
        question.text = Text(data["prompt"])
    if data.get("explanation"):
        question.general = Text(data["explanation"])
    question.mark = float(data.get("points", 1))
    question.tags = list(data.get("tags", []))
    if "card" in data:
        question.lost.insert(0, "card")
    return question
