"""The browser's question form, field by field: what a type lets an instructor edit (each type
declares its `editable` keys) and how each kind of field turns into bank data and back. Pure.

A form field holds text; `to_text` shows a key's value there and `from_text` reads it back
(None: the key is left out of the file). Every kind is generic, so the form's template renders
a field by its kind and never by a question type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .helpers import NotANumber, parse_number

PAIR_ARROW = " -> "


class FieldError(ValueError):
    """A field's text cannot be a value of its kind; the message says what to write."""


@dataclass(frozen=True)
class Editable:
    """One bank key in the question form. `kind` is one of KINDS; `default` is what leaving
    the key out means (a value equal to it is not written); `options` are a choice's values
    with their labels."""

    key: str
    label: str
    kind: str
    help: str = ""
    default: Any = None
    options: tuple[tuple[str, str], ...] = ()

    @property
    def multiline(self) -> bool:
        return self.kind in MULTILINE

    def to_text(self, value: Any) -> str:
        value = self.default if value is None else value
        if value is None:
            return ""
        return _TO_TEXT[self.kind](value)

    def from_text(self, text: str | None) -> Any:
        """The value for the bank (None to leave the key out); FieldError if it cannot be."""
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            return None
        value = _FROM_TEXT[self.kind](self, text)
        return None if value == self.default else value


def yes_no(key: str, label: str, default: bool | None, help: str = "", words=("Yes", "No")):
    """A boolean key, shown as a choice of two words."""
    return Editable(key, label, "boolean", help, default, (("true", words[0]), ("false", words[1])))


def _number(text: str) -> int | float:
    try:
        value = parse_number(text)
    except NotANumber as exc:
        raise FieldError(str(exc)) from None
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _lines(_field: Editable, text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _pairs(_field: Editable, text: str) -> list[list[str]]:
    pairs = []
    for number, line in enumerate(_lines(_field, text), start=1):
        left, arrow, right = line.partition(PAIR_ARROW.strip())
        if not arrow or not left.strip() or not right.strip():
            raise FieldError(f"line {number} needs a left and a right side: left -> right")
        pairs.append([left.strip(), right.strip()])
    return pairs


def _range(_field: Editable, text: str) -> list[int | float]:
    ends = [part for part in re.split(r"\s*(?:,|;|\bto\b)\s*", text) if part]
    if len(ends) != 2:
        raise FieldError("write the lowest and the highest right answer: 10, 20")
    return [_number(end) for end in ends]


def _choice(field: Editable, text: str) -> Any:
    values = {value for value, _ in field.options}
    if text not in values:
        raise FieldError(f"choose one of {', '.join(sorted(v for v in values if v))}")
    return {"true": True, "false": False}.get(text, text) if field.kind == "boolean" else text


def _tags(_field: Editable, text: str) -> list[str]:
    return [tag for tag in re.split(r"[\s,]+", text) if tag]


def _show_number(value: Any) -> str:
    """Every digit the number has (3.14159265 stays so: a form posted back unchanged must not
    round it), without a trailing .0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


_FROM_TEXT = {
    "text": lambda field, text: text,
    "markdown": lambda field, text: text,
    "lines": _lines,
    "pairs": _pairs,
    "number": lambda field, text: _number(text),
    "range": _range,
    "boolean": _choice,
    "choice": _choice,
    "tags": _tags,
}
_TO_TEXT = {
    "text": str,
    "markdown": lambda value: str(value).strip("\n"),
    "lines": lambda value: "\n".join(map(str, value)),
    "pairs": lambda value: "\n".join(f"{left}{PAIR_ARROW}{right}" for left, right in value),
    "number": _show_number,
    "range": lambda value: ", ".join(map(_show_number, value)),
    "boolean": lambda value: "true" if value else "false",
    "choice": str,
    "tags": lambda value: ", ".join(value),
}
KINDS = frozenset(_FROM_TEXT)
MULTILINE = frozenset({"markdown", "lines", "pairs"})

# The keys every question has (banks/document.py COMMON_KEYS), as the form shows them.
COMMON_EDITABLE = (
    Editable("prompt", "Prompt", "markdown", "Markdown. What the student reads first."),
    Editable(
        "explanation", "Explanation", "markdown", "Markdown. Shown after the student answers."
    ),
    Editable("tags", "Tags", "tags", "Words (letters, digits, -), separated by commas."),
    Editable("points", "Points", "number", "What the question is worth (default 1).", 1),
)
