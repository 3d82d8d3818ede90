"""Read YAML as located nodes and turn them into values, collecting every problem on the way.

PyYAML's `safe_load` forgets where things were and keeps the last of two duplicate keys;
composing nodes keeps every position, so each message can point at the offending node.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Collection, Iterable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .document import Location, Problem

TAG = "tag:yaml.org,2002:"
TEXT_TAGS = {TAG + "str", TAG + "int", TAG + "float", TAG + "timestamp"}
KIND_NAMES = {
    TAG + "bool": "a boolean",
    TAG + "null": "nothing (null)",
    TAG + "int": "a number",
    TAG + "float": "a number",
    TAG + "str": "text",
    TAG + "timestamp": "a date",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: they can blow up in size and no bank needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in question files", event.start_mark
            )
        return super().compose_node(parent, index)


def compose_documents(text: str) -> list[Node]:
    """Parse YAML text into one node per document; raises yaml.MarkedYAMLError."""
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
        return documents
    finally:
        loader.dispose()


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return KIND_NAMES.get(node.tag, "a value")


def suggest(word: str, options: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def printable(message: str) -> str:
    """A message that can be printed and sent as UTF-8 even if it quotes a lone surrogate."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def integral(value: float) -> int | float:
    """2.0 -> 2, so that equal numbers hash and print the same."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


class NodeReader:
    """Typed access to nodes of one file; every refusal becomes a located Problem."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def location(self, node: Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.location(node), "error", printable(message)))

    def warning(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.location(node), "warning", printable(message)))

    def mapping(
        self, node: Node, what: str, allowed: Iterable[str] | None = None, hint: str = ""
    ) -> dict[str, tuple[Node, Node]] | None:
        """Keys to (key node, value node); reports duplicate and unknown keys."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {describe(node)}")
            return None
        allowed = set(allowed) if allowed is not None else None
        fields: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != TAG + "str":
                self.error(key_node, f"keys in {what} must be plain words")
                continue
            key = key_node.value
            if key in fields:
                first = fields[key][0].start_mark.line + 1
                self.error(
                    key_node, f"duplicate key '{key}' in {what} (first given at line {first})"
                )
                continue
            if allowed is not None and key not in allowed:
                message = f"unknown key '{key}' in {what}{suggest(key, allowed)}"
                self.error(key_node, message + hint)
                continue
            fields[key] = (key_node, value_node)
        return fields

    def require(self, fields: dict, key: str, node: Node, what: str) -> Node | None:
        if key in fields:
            return fields[key][1]
        self.error(node, f"{what} is missing '{key}'")
        return None

    def text(self, node: Node, what: str, allow_empty: bool = False) -> str | None:
        """A scalar as text; numbers and dates keep the spelling of the file."""
        if not isinstance(node, ScalarNode) or node.tag not in TEXT_TAGS:
            hint = " (put it in quotes to use it as text)" if isinstance(node, ScalarNode) else ""
            self.error(node, f"{what} must be text, not {describe(node)}{hint}")
            return None
        value = node.value
        if not allow_empty and not value.strip():
            self.error(node, f"{what} must not be empty")
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            # Only a "\ud800"-style escape makes one; no database can store it.
            code = ord(value[exc.start])
            self.error(node, f"{what} holds \\u{code:04x}, half of a surrogate pair: remove it")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == TAG + "bool":
            return yaml.SafeLoader.bool_values[node.value.lower()]
        self.error(node, f"{what} must be true or false, not {describe(node)}")
        return None

    def number(self, node: Node, what: str) -> int | float | None:
        if isinstance(node, ScalarNode) and node.tag in (TAG + "int", TAG + "float"):
            value = self._scalar_number(node, what)
            if value is None:
                return None
            try:
                finite = math.isfinite(value)  # a huge int cannot even become a float
            except OverflowError:
                finite = False
            if not finite:
                self.error(node, f"{what} must be a finite number (at most about 1e308)")
                return None
            return integral(value)
        self.error(node, f"{what} must be a number, not {describe(node)}")
        return None

    def integer(self, node: Node, what: str, bounds: tuple[int, int] | None = None) -> int | None:
        """A whole number, within `bounds` (lowest, highest) when they are given."""
        if isinstance(node, ScalarNode) and node.tag == TAG + "int":
            value = self._scalar_number(node, what)
            if value is None:
                return None
            if bounds and not bounds[0] <= value <= bounds[1]:
                self.error(node, f"{what} must be between {bounds[0]:,} and {bounds[1]:,}")
                return None
            return int(value)
        self.error(node, f"{what} must be a whole number, not {describe(node)}")
        return None

    def _scalar_number(self, node: ScalarNode, what: str) -> int | float | None:
        # A plain scalar alone resolves to the same tag, so safe_load gives its value.
        try:
            return yaml.safe_load(node.value)
        except ValueError:  # Python refuses to read integers of more than 4,300 digits
            self.error(node, f"{what} is too large a number ({len(node.value):,} characters)")
            return None

    def sequence(self, node: Node, what: str, min_items: int = 1) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list, not {describe(node)}")
            return None
        if not node.value:
            self.error(node, f"{what} is empty")
            return None
        if len(node.value) < min_items:
            self.error(node, f"{what} needs at least {min_items} entries, not {len(node.value)}")
            return None
        self._check_split_numbers(node, what)
        return list(node.value)

    def text_list(
        self, node: Node, what: str, min_items: int = 1, distinct: bool = True
    ) -> list[tuple[str, Node]] | None:
        """A list of texts; duplicates (after trimming) are reported at the second one."""
        items = self.sequence(node, what, min_items)
        if items is None:
            return None
        values: list[tuple[str, Node]] = []
        seen: dict[str, Node] = {}
        ok = True
        for item in items:
            value = self.text(item, f"each entry of {what}")
            if value is None:
                ok = False
                continue
            marker = value.strip().casefold()
            if distinct and marker in seen:
                first = seen[marker].start_mark.line + 1
                self.error(item, f"duplicate entry '{value}' in {what} (first at line {first})")
                ok = False
                continue
            seen[marker] = item
            values.append((value, item))
        return values if ok else None

    def keyed_values(
        self,
        node: Node,
        name: str,
        shape: str,
        keys: tuple[str, Collection[str], str],
        read_value: Callable[[Node, str | None], Any],
        accept: Callable[[Node, str, Any], bool] | None = None,
        allow_empty: bool = True,
    ) -> tuple[dict[str, Any], bool] | None:
        """A mapping of some of `keys` to values, such as a bank's `fractions` or `feedback`:
        (the values read, whether all were good), or None when `node` is no such mapping.

        `keys` is (what one key is, the allowed keys, what they are called in a refusal);
        `read_value` reads one value (reporting its own errors) and `accept`, if given, vets it
        once its key is known to be good."""
        noun, allowed, allowed_noun = keys
        items = getattr(node, "value", None)
        if (
            not isinstance(items, list)
            or not all(isinstance(i, tuple) for i in items)
            or not (items or allow_empty)
        ):
            self.error(node, shape)
            return None
        found: dict[str, Any] = {}
        ok = True
        for key_node, value_node in items:
            key = self.text(key_node, f"each {noun} in {name}")
            value = read_value(value_node, key)
            if key is None or value is None:
                ok = False
            elif key in found:
                self.error(key_node, f"{name} gives '{key}' twice")
                ok = False
            elif key not in allowed:
                self.error(key_node, f"{name} names '{key}', which is not {allowed_noun}")
                ok = False
            elif accept is not None and not accept(value_node, key, value):
                ok = False
            else:
                found[key] = value
        return found, ok

    def _check_split_numbers(self, node: SequenceNode, what: str) -> None:
        # In a flow list, [Over 1,000] is two entries, "Over 1" and "000": say so.
        if not node.flow_style:
            return
        for before, after in zip(node.value, node.value[1:], strict=False):
            if not (isinstance(before, ScalarNode) and isinstance(after, ScalarNode)):
                continue
            if before.style is None and after.style is None and before.value[-1:].isdigit():
                gap = before.end_mark.buffer[before.end_mark.index : after.start_mark.index]
                if gap == "," and after.value[:3].isdigit():
                    self.error(
                        before,
                        f"{what}: '{before.value},{after.value}' was split at the comma into two "
                        f"entries; put it in quotes",
                    )
