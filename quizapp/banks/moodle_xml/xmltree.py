"""Moodle XML parsed safely into a small tree whose elements know their line.

The standard library's expat parser (pyexpat), with every document type declaration refused:
without a DTD no entity can be declared, so none is expanded (no "billion laughs") and no
external entity or DTD is ever fetched; parameter entities are off as well. Moodle's own
files never carry a DOCTYPE. Comments are kept with the element that follows them (quizapp
writes `<!-- [order:N] -->` before a category). Pure: no third-party parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat


class XmlError(ValueError):
    """Malformed or refused XML, with the place it was found."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # character data directly inside
    comments: list[str] = field(default_factory=list)  # the comments just before it

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        """The trimmed text of the first child `tag` (Moodle's getpath(..., istext))."""
        found = self.child(tag)
        return found.text.strip() if found is not None else default

    def text_of(self, tag: str) -> str | None:
        """The text of `<tag><text>...</text></tag>`, None when there is no `tag`."""
        found = self.child(tag)
        if found is None:
            return None
        return found.value("text")


def parse_xml(text: str) -> Element:
    """The document's root element; raises XmlError (with its line and column)."""
    parser = expat.ParserCreate(encoding="UTF-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []
    comments: list[str] = []

    def refuse(*_args) -> None:
        raise XmlError(
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
            "a DOCTYPE (and so any entity) is not allowed in a Moodle XML file",
        )

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, parser.CurrentLineNumber, comments=list(comments))
        comments.clear()
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()
        comments.clear()

    def data(chunk: str) -> None:
        if stack:
            stack[-1].parts.append(chunk)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.CommentHandler = comments.append
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        raise XmlError(exc.lineno, exc.offset + 1, expat.errors.messages[exc.code]) from None
    return roots[0]
