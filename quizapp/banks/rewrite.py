"""Change keys of one question in a bank file the way a text editor would: each changed value
rewritten where it stands and in the style it was written (a flow list stays a flow list and
keeps the spelling of the items it still has, a block of text keeps its unchanged lines), a new
key on a line of its own after the question's last one, a cleared key's lines removed; every
other byte of the file kept. Pure.

Used by the browser's question form; the edited text then goes through the usual upload,
preview and confirm. If the tidy rewrite does not read back as the intended question, the
values are written again in an exact form (double-quoted text, flow lists); if even that
fails, the file is not edited (EditError).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .document import QuestionSpec
from .edits import EditError, _after, _question_data, _question_node, _scalar

FLOW_WIDTH = 90  # a new list longer than this on one line is written as a block
Span = tuple[int, int, str]  # text[start:end] becomes the string


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _content_end(text: str, node: Node) -> int:
    """The end of the value's last line that is not blank (a block keeps the blank lines
    after it, which separate it from the next question)."""
    # A block mapping or list ends where the next token starts: look at its last value.
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    at = _after(text, node)
    while True:
        start = _line_start(text, at)
        if start == 0 or text[start:at].strip():
            return at
        at = start - 1
        if text[at - 1 : at] == "\r":
            at -= 1


def _number(value: int | float) -> str:
    if not isinstance(value, float):
        return str(value)
    mantissa, e, exponent = repr(value).partition("e")
    if not e:
        return mantissa
    # YAML 1.1 reads 1e+20 as text: it wants a dot in the mantissa and a signed exponent.
    mantissa += "" if "." in mantissa else ".0"
    return f"{mantissa}e{exponent if exponent[0] in '+-' else '+' + exponent}"


def _flow(value: Any, exact: bool) -> str:
    """A value inside a flow list (or after a block list's dash)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, exact) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False) if exact else _scalar(value, True)


def _spelling(value: Any) -> str:
    """A value as the file spells it (numbers as text), to find an unchanged list item."""
    if isinstance(value, list):
        return repr([_spelling(v) for v in value])
    return value if isinstance(value, str) else _number(value)


def _node_spelling(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return repr([_node_spelling(item) for item in node.value])
    return node.value if isinstance(node, ScalarNode) else ""


def _relined(old: list[str], new: str, joint: str) -> tuple[int, list[str] | None, int]:
    """For text whose lines join with `joint` ("\\n" in a literal block, " " in a folded one):
    how many leading and trailing lines stay, and the text between them (None: nothing)."""
    count, keep = len(old), 0
    while keep < count and (
        new == joint.join(old[: keep + 1]) or new.startswith(joint.join(old[: keep + 1]) + joint)
    ):
        keep += 1
    head = joint.join(old[:keep])
    present = len(new) > len(head) if keep else True
    rest = new[len(head) + len(joint) :] if keep and present else ("" if keep else new)
    tail = 0
    while present and tail < count - keep:
        end = joint.join(old[count - tail - 1 :])
        if rest != end and not rest.endswith(joint + end):
            break
        tail += 1
    end = joint.join(old[count - tail :])
    if not present or (tail and rest == end):
        return keep, None, tail
    return keep, [rest[: len(rest) - len(end) - len(joint)] if tail else rest], tail


class _Rewriter:
    def __init__(self, text: str, question: MappingNode, exact: bool, removed: set[str]):
        self.text = text
        self.question = question
        self.exact = exact
        # New keys go after the last key that stays.
        self.last = [v for k, v in question.value if getattr(k, "value", None) not in removed][-1]
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.indent = " " * question.value[0][0].start_mark.column

    def change(self, key: str, value: Any) -> Span:
        found = [(k, v) for k, v in self.question.value if getattr(k, "value", None) == key]
        if not found:
            if value is None:
                return 0, 0, ""
            if self.question.flow_style:
                raise EditError("the question is written on one line ({...}); edit it by hand")
            at = _content_end(self.text, self.last)
            return at, at, f"{self.nl}{self.indent}{key}:{self.fresh(value, self.indent)}"
        key_node, node = found[0]
        if value is None:
            return self.removal(key_node, node)
        if isinstance(value, str):
            return self.text_value(key_node, node, value)
        if isinstance(value, list):
            return self.list_value(key_node, node, value)
        return node.start_mark.index, node.end_mark.index, _flow(value, True)

    def removal(self, key_node: Node, node: Node) -> Span:
        start = _line_start(self.text, key_node.start_mark.index)
        if self.question.flow_style or self.text[start : key_node.start_mark.index].strip():
            raise EditError("this key shares its line with another; remove it by hand")
        end = _content_end(self.text, node)
        if end < len(self.text):
            end = self.text.index("\n", end) + 1
        elif start > 0:
            start -= len(self.nl)  # the file's last line: take the line break before it
        return start, end, ""

    def fresh(self, value: Any, indent: str) -> str:
        """A value written anew after `key:`, with its leading space or line breaks."""
        inner = indent + "  "
        if self.exact:
            return " " + _flow(value, True)
        if isinstance(value, str):
            multiline = "\n" in value.rstrip("\n")
            return " " + (self.literal(value, inner) if multiline else _scalar(value, False))
        if isinstance(value, list) and len(_flow(value, False)) + len(inner) > FLOW_WIDTH:
            return "".join(f"{self.nl}{inner}- {_flow(v, False)}" for v in value)
        return " " + _flow(value, False)

    def literal(self, value: str, indent: str) -> str:
        """A literal block (|) holding `value`, or double-quoted text if no block can."""
        body = value[:-1] if value.endswith("\n") else value
        if body[:1] in (" ", "\t") or body.endswith("\n"):
            return json.dumps(value, ensure_ascii=False)
        lines = [f"{indent}{line}" if line else "" for line in body.split("\n")]
        return ("|" if value.endswith("\n") else "|-") + "".join(self.nl + x for x in lines)

    # ---- text ------------------------------------------------------------------------------

    def text_value(self, key_node: Node, node: Node, value: str) -> Span:
        style = getattr(node, "style", None)
        block = style in ("|", ">")
        if block and not self.exact:
            kept = self.block(node, value)
            if kept is not None:
                return kept
        start = node.start_mark.index
        end = _content_end(self.text, node) if block else node.end_mark.index
        one_line = "\n" not in self.text[start:end]
        if self.exact:
            return start, end, json.dumps(value, ensure_ascii=False)
        if "\n" in value.rstrip("\n"):
            return start, end, self.literal(value, " " * (key_node.start_mark.column + 2))
        if style == "'" and one_line and "\n" not in value:
            return start, end, "'" + value.replace("'", "''") + "'"
        if style == '"' and one_line:
            return start, end, json.dumps(value, ensure_ascii=False)
        return start, end, _scalar(value, False)

    def block(self, node: ScalarNode, value: str) -> Span | None:
        """A block scalar with only its changed lines written again (None: write it whole)."""
        if value.endswith("\n") != node.value.endswith("\n"):
            return None
        start = self.text.find("\n", node.start_mark.index) + 1
        if start == 0 or start >= node.end_mark.index:
            return None
        lines = self.text[start : node.end_mark.index].split("\n")
        rows = [line.rstrip("\r") for line in lines]
        indent = len(rows[0]) - len(rows[0].lstrip(" "))
        if not rows[0].strip():
            return None
        old = node.value[:-1] if node.value.endswith("\n") else node.value
        new = value[:-1] if value.endswith("\n") else value
        if node.style == "|":
            old_lines, joint = old.split("\n"), "\n"
        else:  # folded: one paragraph whose lines join with spaces, none indented further
            count = next((i for i, row in enumerate(rows) if not row.strip()), len(rows))
            old_lines = [row[indent:] for row in rows[:count]]
            if (
                "\n" in new
                or " ".join(old_lines) != old
                or any(line[:1] == " " for line in old_lines)
            ):
                return None
            joint = " "
        count = len(old_lines)
        if [row[indent:] for row in rows[:count]] != old_lines:
            return None
        keep, middle, tail = _relined(old_lines, new, joint)
        if middle is None:
            middle_lines: list[str] = []
        elif joint == "\n":
            middle_lines = middle[0].split("\n")
        elif count - keep - tail > 1:  # several folded lines gave way: wrap as they were
            width = max(len(line) for line in old_lines)
            middle_lines = textwrap.wrap(middle[0], width) or [middle[0]]
        else:
            middle_lines = [middle[0]]
        pad = " " * indent
        rewritten = (
            rows[:keep]
            + [pad + line if line else "" for line in middle_lines]
            + rows[count - tail : count]
        )
        return start, start + len("\n".join(lines[:count])), self.nl.join(rewritten)

    # ---- lists -----------------------------------------------------------------------------

    def list_value(self, key_node: Node, node: Node, value: list) -> Span:
        start, end = node.start_mark.index, node.end_mark.index
        if self.exact or not isinstance(node, SequenceNode) or not node.value:
            if isinstance(node, SequenceNode) and not node.flow_style and node.value:
                start = _line_start(self.text, start)
                end = _content_end(self.text, node.value[-1])
                return start, end, self.text[start : node.start_mark.index] + _flow(value, True)
            indent = " " * key_node.start_mark.column
            return start, end, self.fresh(value, indent).lstrip(" ")
        spelled: dict[str, Node] = {}
        for item in node.value:
            spelled.setdefault(_node_spelling(item), item)
        if node.flow_style:
            items = [
                self.text[old.start_mark.index : old.end_mark.index]
                if (old := spelled.get(_spelling(v))) is not None
                else _flow(v, False)
                for v in value
            ]
            return start, end, "[" + ", ".join(items) + "]"
        first = node.value[0]
        start = _line_start(self.text, first.start_mark.index)
        prefix = self.text[start : first.start_mark.index]
        if prefix.strip() != "-":
            raise EditError("this list is written in a way the form does not follow")
        lines = []
        for v in value:
            old = spelled.get(_spelling(v))
            if old is None:
                lines.append(prefix + _flow(v, False))
            else:
                begin = _line_start(self.text, old.start_mark.index)
                lines.append(self.text[begin : _content_end(self.text, old)])
        return start, _content_end(self.text, node.value[-1]), self.nl.join(lines)


def _apply(text: str, spans: list[Span]) -> str:
    """Make the changes from the end of the text backwards; new keys at the same place go in
    the order they were given."""
    merged: dict[tuple[int, int], str] = {}
    for start, end, replacement in spans:
        if (start, end) in merged and start != end:
            raise EditError("two changes touch the same text")
        merged[(start, end)] = merged.get((start, end), "") + replacement
    for (start, end), replacement in sorted(merged.items(), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def rewrite_question(
    text: str, path: str, bank_id: str, question_id: str, changes: dict[str, Any]
) -> str:
    """The file's text with `changes` (key -> value; None removes the key) made to one
    question. When the question loads afterwards, it must hold exactly the changed values
    with nothing else changed; when it does not (a wrong answer key, say), the loader's
    problems are the instructor's to fix. EditError if the file cannot take the edit."""
    before = _question_data(text.replace("\r\n", "\n"), path, bank_id, question_id)
    if before is None:
        raise EditError(f"question '{question_id}' of bank '{bank_id}' does not load")
    expected = dict(before)
    for key, value in changes.items():
        if value is None:
            expected.pop(key, None)
        else:
            expected[key] = value
    expected = QuestionSpec.from_data(expected).to_data()
    problem = "the change could not be written into the file"
    tidy = None
    for exact in (False, True):
        removed = {key for key, value in changes.items() if value is None}
        rewriter = _Rewriter(text, _question_node(text, bank_id, question_id), exact, removed)
        try:
            edited = _apply(text, [rewriter.change(k, v) for k, v in changes.items()])
        except EditError as exc:
            problem = str(exc)
            continue
        after = _question_data(edited.replace("\r\n", "\n"), path, bank_id, question_id)
        if after == expected:
            return edited
        if after is None and tidy is None:
            tidy = edited
    if tidy is not None:
        return tidy
    raise EditError(problem)
