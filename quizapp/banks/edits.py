"""Edit a bank file the way a text editor would: one answer inserted in the right list (or one
alternative in a cloze blank), the rest of the file kept byte for byte. Pure.

Used when an instructor accepts (or rejects) a student's response from the response analysis;
the edited text then goes through the usual upload, preview and confirm.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..qtypes.base import BankEdit
from ..qtypes.helpers import split_cloze
from .document import Problem
from .loader import parse_file_text
from .yamlnodes import compose_documents


class EditError(ValueError):
    """The file cannot be edited safely; the message says why (edit it by hand)."""


def _field(node: Node, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value
    return None


def _question_node(text: str, bank_id: str, question_id: str) -> MappingNode:
    try:
        documents = compose_documents(text)
    except yaml.YAMLError as exc:
        raise EditError(f"the bank file is not YAML: {exc}") from None
    banks = [n for d in documents for n in (d.value if isinstance(d, SequenceNode) else [d])]
    for bank in banks:
        header = _field(bank, "bank")
        if getattr(_field(header, "id") if header else None, "value", None) != bank_id:
            continue
        questions = _field(bank, "questions")
        for question in getattr(questions, "value", []):
            if getattr(_field(question, "id"), "value", None) == question_id:
                return question
    raise EditError(f"question '{question_id}' of bank '{bank_id}' is not in the file")


def _plain_safe(value: str, flow: bool) -> bool:
    probe = f"[{value}]" if flow else f"- {value}"
    try:
        return yaml.safe_load(probe) == [value]
    except yaml.YAMLError:
        return False


def _scalar(value: str, flow: bool) -> str:
    """The value as YAML: plain when it reads back the same, else double-quoted (JSON)."""
    return value if _plain_safe(value, flow) else json.dumps(value, ensure_ascii=False)


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    end = len(text) if end == -1 else end
    return end - 1 if text[end - 1 : end] == "\r" else end


def _after(text: str, node: Node) -> int:
    """Where a line after this value goes: the end of its last line (a block scalar ends at
    the start of the next line)."""
    end = node.end_mark.index
    if node.end_mark.column == 0 and end > 0:
        return _line_end(text, text.rfind("\n", 0, end - 1) + 1)
    return _line_end(text, end)


def _append_to_list(text: str, question: MappingNode, key: str, value: str, nl: str) -> str:
    node = _field(question, key)
    if node is None and question.flow_style:
        raise EditError("the question is written on one line ({...}); this edit adds lines")
    if node is None:  # a new key, after the answers it qualifies
        keys = {k.value: v for k, v in question.value if isinstance(k, ScalarNode)}
        anchor = next((keys[k] for k in ("pattern", "answers", "text") if k in keys), None)
        anchor = anchor or question.value[0][1]
        indent = " " * question.value[0][0].start_mark.column
        at = _after(text, anchor)
        return f"{text[:at]}{nl}{indent}{key}: [{_scalar(value, True)}]{text[at:]}"
    if not isinstance(node, SequenceNode) or not node.value:
        raise EditError(f"'{key}' is not a list")
    if node.flow_style:
        close = node.end_mark.index - 1  # the "]"
        return f"{text[:close]}, {_scalar(value, True)}{text[close:]}"
    last = node.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = text[line_start : last.start_mark.index]  # "      - "
    if prefix.strip() != "-":
        raise EditError(f"the list '{key}' is written in a way this edit does not follow")
    at = _after(text, last)
    return f"{text[:at]}{nl}{prefix}{_scalar(value, False)}{text[at:]}"


def _escape_in(style: str | None, value: str) -> str:
    if style == "'":
        return value.replace("'", "''")
    if style == '"':
        return json.dumps(value, ensure_ascii=False)[1:-1]
    return value


def _add_alternative(text: str, question: MappingNode, blank: int, value: str) -> str:
    node = _field(question, "text")
    if not isinstance(node, ScalarNode):
        raise EditError("the cloze question has no text")
    start, position = node.start_mark.index, node.start_mark.index
    for _ in range(blank):
        opened = text.find("[[", position, node.end_mark.index)
        closed = text.find("]]", opened + 2, node.end_mark.index) if opened != -1 else -1
        if closed == -1:
            raise EditError(f"blank {blank} is not in the cloze text")
        position = closed + 2
    at = position - 2
    if "\n" in text[start:at][text[start:at].rfind("[[") :]:
        raise EditError(f"blank {blank} runs over two lines")
    return f"{text[:at]}|{_escape_in(node.style, value)}{text[at:]}"


def apply_edit(text: str, path: str, bank_id: str, question_id: str, edit: BankEdit) -> str:
    """The bank file's text with `edit` applied, checked by the loader; EditError if it cannot
    be done safely (the value breaks the syntax, or the bank would not load)."""
    value = edit.value.strip()
    if not value or "\n" in value or "\r" in value:
        raise EditError("only a one-line answer can be added")
    question = _question_node(text, bank_id, question_id)
    before = _question_data(text, path, bank_id, question_id)
    nl = "\r\n" if "\r\n" in text else "\n"
    if edit.blank is not None:
        if any(mark in value for mark in ("|", "[[", "]]")):
            raise EditError("a blank's answer cannot contain '|', '[[' or ']]'")
        edited = _add_alternative(text, question, edit.blank, value)
    else:
        edited = _append_to_list(text, question, edit.key, value, nl)
    problems: list[Problem] = []
    after = _question_data(edited, path, bank_id, question_id, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise EditError(f"the bank would not load: {errors[0].message}")
    if before is None or after != apply_to_data(before, edit):
        raise EditError("the edit would change more than this answer")
    return edited


def _question_data(
    text: str, path: str, bank_id: str, question_id: str, problems: list[Problem] | None = None
) -> dict[str, Any] | None:
    problems = [] if problems is None else problems
    for bank in parse_file_text(text.replace("\r\n", "\n"), path, problems):
        if bank.id == bank_id:
            for question in bank.questions:
                if question.id == question_id:
                    return question.to_data()
    return None


def apply_to_data(data: dict[str, Any], edit: BankEdit) -> dict[str, Any]:
    """The same edit on a question's data (for a bank whose file cannot be edited as text)."""
    data = dict(data)
    value = edit.value.strip()
    if edit.blank is None:
        data[edit.key] = [*data.get(edit.key, []), value]
        return data
    parts = split_cloze(data["text"])
    if not 1 <= edit.blank <= len(parts) // 2:
        raise EditError(f"blank {edit.blank} is not in the cloze text")
    parts[2 * edit.blank - 1] += f"|{value}"
    parts[1::2] = [f"[[{blank}]]" for blank in parts[1::2]]
    data["text"] = "".join(parts)
    return data
