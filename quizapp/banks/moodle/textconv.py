"""Moodle's text formats as quizapp's: HTML (and Moodle's auto-format) to Markdown, plain text
to Markdown (escaped, so it shows as written), HTML to plain text. Pure, stdlib only.

quizapp renders Markdown with raw HTML escaped, so HTML from a Moodle file must be converted,
not kept: paragraphs, line breaks, bold, italics, code, links, lists and headings survive;
images, tables, sub- and superscripts and colours cannot, and the caller warns about them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<]|~(?=~))")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+-]|=+\s*$|\d+[.)](?=\s|$))", re.M)
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`", "tt": "`", "kbd": "`"}
BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "table", "tr", "section", "article"}
DROPPED = {"img": "images", "table": "tables", "sub": "subscripts", "sup": "superscripts",
           "video": "media", "audio": "media", "iframe": "embedded pages",
           "object": "media"}  # fmt: skip
SKIPPED = {"script", "style", "head", "title"}


def escape_markdown(text: str, inline: bool = False) -> str:
    """Backslash-escape what Markdown would read as syntax, so `text` shows as written
    (`inline`: text shown within a line, such as a choice, where no line starts a list)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    if inline:
        return text
    return _LINE_START.sub(lambda m: m.group(1) + _escape_first(m.group(2)), text)


def _escape_first(token: str) -> str:
    if token[0].isdigit():
        digits = token.rstrip(".)")
        return digits + "\\" + token[len(digits) :]
    return "\\" + token


def plain_to_markdown(text: str, inline: bool = False) -> str:
    """Plain text (shown by Moodle exactly as typed) as Markdown that shows the same."""
    lines = escape_markdown(text.strip(), inline).split("\n")
    return "\\\n".join(lines)  # each line break is kept as a hard break


class _Converter(HTMLParser):
    def __init__(self, inline: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.inline = inline
        self.blocks: list[tuple[str, bool]] = []  # (Markdown, is a list item)
        self.line: list[str] = []
        self.item = False
        self.prefix: list[str] = []  # list markers and quotes of the enclosing blocks
        self.lists: list[list[int]] = []  # [counter] per open list; counter 0: bulleted
        self.links: list[str | None] = []
        self.skipping = 0
        self.pre = 0
        self.dropped: set[str] = set()

    def flush(self) -> None:
        text = "".join(self.line).strip(" ")
        if text:
            self.blocks.append(("".join(self.prefix) + text, self.item))
        self.line, self.item = [], False

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        if tag in DROPPED:
            self.dropped.add(DROPPED[tag])
            if tag == "img":
                alt = dict(attrs).get("alt")
                self.line.append(f"[{escape_markdown(alt, inline=True)}]" if alt else "")
        if tag in BLOCKS or re.fullmatch(r"h[1-6]", tag) or tag == "li":
            self.flush()
        if re.fullmatch(r"h[1-6]", tag):
            self.line.append("#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            counter = self.lists[-1] if self.lists else [0]
            marker = f"{counter[0]}. " if counter[0] else "- "
            counter[0] += 1 if counter[0] else 0
            self.line.append("  " * max(0, len(self.lists) - 1) + marker)
            self.item = True
        elif tag == "blockquote":
            self.prefix.append("> ")
        elif tag == "pre":
            self.pre += 1
            self.line.append("```\n")
        elif tag == "br":
            self.line.append("\\\n")
        elif tag in MARKS and not self.pre:
            self.line.append(MARKS[tag])
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href:
                self.line.append("[")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        if tag in MARKS and not self.pre:
            self.line.append(MARKS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.line.append(f"]({href.replace(')', '%29').replace(' ', '%20')})")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.line.append("\n```")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote" and self.prefix:
            self.flush()
            self.prefix.pop()
        if tag in BLOCKS or re.fullmatch(r"h[1-6]", tag) or tag == "li":
            self.flush()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            self.line.append(data)
            return
        text = _SPACES.sub(" ", data)
        if not "".join(self.line).strip():
            text = text.lstrip()
        self.line.append(escape_markdown(text, self.inline) if text.strip() else text)

    def result(self) -> str:
        self.close()
        self.flush()
        parts = []
        for index, (text, item) in enumerate(self.blocks):
            tight = index and item and self.blocks[index - 1][1]
            parts.append(("\n" if tight else "\n\n") + text if index else text)
        text = "".join(parts)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_markdown(html: str, inline: bool = False) -> tuple[str, set[str]]:
    """Markdown for an HTML fragment, and what could not be kept (images, tables, ...)."""
    converter = _Converter(inline)
    converter.feed(html)
    return converter.result(), converter.dropped


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in SKIPPED
        if tag == "br" or tag in BLOCKS or tag == "li":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.skipping -= tag in SKIPPED and self.skipping > 0
        if tag in BLOCKS or tag == "li":
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_plain(html: str) -> str:
    """The characters of an HTML fragment on one line: tags gone, entities decoded."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return _SPACES.sub(" ", "".join(parser.parts)).strip()
