"""Load bank files (format v1) into BankFile objects, finding every problem with its line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .. import qtypes
from .document import (
    COMMON_KEYS,
    BankFile,
    CardOverride,
    ExtraCard,
    LoadResult,
    Location,
    Problem,
    QuestionSpec,
)
from .files import decode, display_path, find_bank_files
from .gift.reader import read_gift
from .gift.syntax import slugify
from .moodle_xml.reader import read_moodle_xml
from .yamlnodes import NodeReader, compose_documents, suggest

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_KEYS = ("version", "bank", "questions", "cards")
BANK_KEYS = ("id", "title", "order", "summary")
CARD_KEYS = ("id", "front", "back", "tags")
FORMAT_VERSION = 1
MAX_ID_LENGTH = 100  # the database column's size
MAX_TITLE_LENGTH = 200
ORDER_BOUNDS = (-(10**9), 10**9)  # fits every database's integer column
MAX_POINTS = 1000  # scores are sums of points: keep them finite and readable
# A derived card shows only the prompt: prompts that lean on their choices read badly alone.
LEANS_ON_CHOICES = re.compile(r"\b(of these|the following|following|select all|below)\b", re.I)


class BankParser:
    """Parses the documents of one file into banks."""

    def __init__(self, path: str, problems: list[Problem]):
        self.reader = NodeReader(path, problems)
        self.path = path

    def parse_text(self, text: str) -> list[BankFile]:
        try:
            documents = compose_documents(text)
        except RecursionError:
            self.reader.problems.append(
                Problem(Location(self.path, 1, 1), "error", "YAML nested too deeply to read")
            )
            return []
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = " ".join(part for part in (exc.context, exc.problem) if part)
            location = Location(self.path, mark.line + 1, mark.column + 1)
            self.reader.problems.append(Problem(location, "error", f"YAML syntax: {message}"))
            return []
        except yaml.YAMLError as exc:
            self.reader.problems.append(
                Problem(Location(self.path, 1, 1), "error", f"YAML syntax: {exc}")
            )
            return []
        if not documents:
            self.reader.problems.append(
                Problem(Location(self.path, 1, 1), "error", "file is empty: expected a bank")
            )
            return []
        banks = []
        nodes = []
        for document in documents:
            # An export holds many banks: a list of them in JSON, or one YAML document each.
            nodes.extend(document.value if isinstance(document, SequenceNode) else [document])
        if not nodes:
            self.reader.error(documents[0], "file holds an empty list: expected a bank")
        for node in nodes:
            bank = self.parse_bank(node)
            if bank is not None:
                banks.append(bank)
        return banks

    def parse_bank(self, node: Node) -> BankFile | None:
        r = self.reader
        top = r.mapping(node, "a bank file", TOP_KEYS)
        if top is None:
            return None
        if "version" in top:
            version = r.integer(top["version"][1], "version")
            if version is not None and version != FORMAT_VERSION:
                r.error(top["version"][1], f"unknown format version {version}: this reads 1")
        header_node = r.require(top, "bank", node, "a bank file")
        header = r.mapping(header_node, "bank", BANK_KEYS) if header_node else None
        bank = BankFile(id="", title="", order=0, path=self.path, line=node.start_mark.line + 1)
        if header is not None:
            self.parse_header(header, header_node, bank)
        if "questions" in top:
            entries = r.sequence(top["questions"][1], "questions") or []
            bank.questions = [q for q in map(self.parse_question, entries) if q is not None]
        else:
            r.error(node, "a bank file is missing 'questions'")
        if "cards" in top:
            entries = r.sequence(top["cards"][1], "cards") or []
            bank.cards = [c for c in map(self.parse_card, entries) if c is not None]
        self.check_ids(bank)
        return bank if bank.id else None

    def parse_header(self, header, header_node: Node, bank: BankFile) -> None:
        r = self.reader
        id_node = r.require(header, "id", header_node, "bank")
        bank.id = self.slug(id_node, "bank id") or "" if id_node else ""
        title_node = r.require(header, "title", header_node, "bank")
        bank.title = (r.text(title_node, "title") or "") if title_node else ""
        if len(bank.title) > MAX_TITLE_LENGTH:
            r.error(title_node, f"title is longer than {MAX_TITLE_LENGTH} characters")
        if "order" in header:
            bank.order = r.integer(header["order"][1], "order", ORDER_BOUNDS) or 0
        if "summary" in header:
            bank.summary = r.text(header["summary"][1], "summary") or ""
        else:
            r.warning(header_node, "bank has no summary: students read it before a quiz")

    def slug(self, node: Node, what: str) -> str | None:
        value = self.reader.text(node, what)
        if value is None:
            return None
        if len(value) > MAX_ID_LENGTH:
            self.reader.error(node, f"{what} is longer than {MAX_ID_LENGTH} characters")
            return None
        if not SLUG.match(value):
            hint = slugify(value)
            suggestion = f" such as '{hint}'" if hint else ""
            self.reader.error(
                node,
                f"{what} '{value}' is not a slug: use lower-case letters, digits and single "
                f"hyphens{suggestion}",
            )
            return None
        return value

    def tags(self, fields, what: str) -> list[str]:
        if "tags" not in fields:
            return []
        entries = self.reader.text_list(fields["tags"][1], f"tags of {what}") or []
        return [value for value, node in entries if self.slug(node, "tag")]

    def parse_question(self, node: Node) -> QuestionSpec | None:
        r = self.reader
        if not isinstance(node, MappingNode):
            r.error(node, "each question must be a mapping with id, type, prompt, ...")
            return None
        # Know the type first, so an unknown key can be told apart from a key of another type.
        qtype = self.question_type(node)
        every_key = frozenset(COMMON_KEYS) | qtypes.bank_keys()
        allowed = COMMON_KEYS + qtypes.get(qtype).keys if qtype else tuple(every_key)
        fields = r.mapping(node, "a question", every_key)
        if fields is None:
            return None
        ok = True
        if qtype:
            for key, (key_node, _) in fields.items():
                if key not in allowed:
                    r.error(key_node, f"'{key}' is not used by {qtype} questions")
                    ok = False
        id_node = r.require(fields, "id", node, "a question")
        qid = self.slug(id_node, "question id") if id_node else None
        what = f"question '{qid}'" if qid else "question"
        if qtype is None:
            return None
        kind = qtypes.get(qtype)
        prompt = None
        if "prompt" in fields:
            prompt = r.text(fields["prompt"][1], "prompt")
            ok = ok and prompt is not None
        elif kind.needs_prompt:
            r.error(node, f"{what} is missing 'prompt'")
            ok = False
        explanation = None
        if "explanation" in fields:
            explanation = r.text(fields["explanation"][1], "explanation")
        else:
            r.warning(node, f"{what} has no explanation: students see it after answering")
        points = 1
        if "points" in fields:
            points = r.number(fields["points"][1], "points")
            if points is not None and not 0 < points <= MAX_POINTS:
                r.error(fields["points"][1], f"points must be more than 0 and at most {MAX_POINTS}")
                points = None
            ok = ok and points is not None
        card = self.card_setting(fields)
        tags = self.tags(fields, what)
        body = kind.parse(r, fields, node)
        if body is None or not ok or card is None or qid is None:
            return None
        if (
            card is True
            and prompt
            and kind.options_beside_prompt
            and LEANS_ON_CHOICES.search(prompt)
        ):
            r.warning(
                fields["prompt"][1],
                f"{what}: the prompt leans on its choices, so its flashcard will not stand "
                "alone; add card: {front: ..., back: ...} (or card: false)",
            )
        return QuestionSpec(
            id=qid,
            type=qtype,
            prompt=prompt,
            body=body,
            explanation=explanation,
            tags=tags,
            points=points,
            card=card,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )

    def question_type(self, node: MappingNode) -> str | None:
        r = self.reader
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) != "type":
                continue
            value = r.text(value_node, "type")
            if value is None:
                return None
            if value not in qtypes.TYPES:
                r.error(
                    value_node,
                    f"unknown question type '{value}'{suggest(value, qtypes.type_names())}; "
                    f"use one of {', '.join(qtypes.type_names())}",
                )
                return None
            return value
        r.error(node, "question is missing 'type'")
        return None

    def card_setting(self, fields) -> CardOverride | bool | None:
        if "card" not in fields:
            return True
        r = self.reader
        node = fields["card"][1]
        if isinstance(node, MappingNode):
            card = r.mapping(node, "card", ("front", "back"))
            if card is None:
                return None
            front_node = r.require(card, "front", node, "card")
            back_node = r.require(card, "back", node, "card")
            front = r.text(front_node, "card front") if front_node else None
            back = r.text(back_node, "card back") if back_node else None
            return CardOverride(front, back) if front and back else None
        value = r.boolean(node, "card (true, false, or {front: ..., back: ...})")
        return value

    def parse_card(self, node: Node) -> ExtraCard | None:
        r = self.reader
        fields = r.mapping(node, "a card", CARD_KEYS)
        if fields is None:
            return None
        id_node = r.require(fields, "id", node, "a card")
        cid = self.slug(id_node, "card id") if id_node else None
        front_node = r.require(fields, "front", node, "a card")
        back_node = r.require(fields, "back", node, "a card")
        front = r.text(front_node, "front") if front_node else None
        back = r.text(back_node, "back") if back_node else None
        tags = self.tags(fields, f"card '{cid}'")
        if cid is None or front is None or back is None:
            return None
        return ExtraCard(
            cid, front, back, tags, line=node.start_mark.line + 1, column=node.start_mark.column + 1
        )

    def check_ids(self, bank: BankFile) -> None:
        seen: dict[str, tuple[str, int]] = {}
        for kind, items in (("question", bank.questions), ("card", bank.cards)):
            for item in items:
                if item.id in seen:
                    other_kind, line = seen[item.id]
                    self.reader.problems.append(
                        Problem(
                            Location(self.path, item.line, item.column),
                            "error",
                            f"{kind} id '{item.id}' is already used by the {other_kind} at "
                            f"line {line}; ids must be unique within a bank",
                        )
                    )
                else:
                    seen[item.id] = (kind, item.line)


def parse_file_text(text: str, path: str, problems: list[Problem]) -> list[BankFile]:
    """Banks of one file's text: GIFT by its .gift suffix, Moodle XML by .xml, else YAML (or
    JSON)."""
    parser = BankParser(path, problems)
    if path.lower().endswith(".gift"):
        return read_gift(text, path, problems, parser.parse_bank)
    if path.lower().endswith(".xml"):
        return read_moodle_xml(text, path, problems, parser.parse_bank)
    return parser.parse_text(text)


def load_text(text: str, path: str = "<text>") -> LoadResult:
    """Load one file's text (an upload, say) with the same rules as files on disk."""
    result = LoadResult(files=1)
    result.banks = parse_file_text(
        text.lstrip("\ufeff").replace("\r\n", "\n"), path, result.problems
    )
    check_bank_ids(result)
    result.problems.sort()
    return result


def load_paths(paths: Iterable[str | Path]) -> LoadResult:
    """Load every bank file under `paths` and check what spans files (duplicate bank ids)."""
    result = LoadResult()
    for file in find_bank_files(paths, problems=result.problems):
        shown = display_path(file)
        result.files += 1
        try:
            data = file.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            result.problems.append(
                Problem(Location(shown, 1, 1), "error", f"cannot read file: {reason}")
            )
            continue
        text = decode(data, shown, result.problems)
        if text is None:
            continue
        result.banks.extend(parse_file_text(text, shown, result.problems))
    check_bank_ids(result)
    result.problems.sort()
    return result


def check_bank_ids(result: LoadResult) -> None:
    first: dict[str, BankFile] = {}
    for bank in result.banks:
        if bank.id in first:
            other = first[bank.id]
            result.problems.append(
                Problem(
                    Location(bank.path, bank.line, 1),
                    "error",
                    f"bank id '{bank.id}' is already used by {other.path}:{other.line}; "
                    "bank ids must be unique across files",
                )
            )
        else:
            first[bank.id] = bank
