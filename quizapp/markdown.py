"""Markdown to safe HTML: markdown-it renders (raw HTML escaped), nh3 sanitises what comes out."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> str:
    """Sanitised HTML for instructor- or user-supplied Markdown.

    Not cached: students' answers pass through here, and nothing they type may stay in a
    process-wide cache."""
    return _clean(_md.render(text)) if text else ""


def render_inline(text: str | None) -> str:
    """Like render_markdown, for one line of text without the wrapping paragraph."""
    return _clean(_md.renderInline(text)) if text else ""


# Bank content (prompts, options, keys, explanations, card faces) is the same for every student
# and changes only with a new version, so its HTML is kept, keyed by the text itself. Only
# instructors' bank text goes through these: whatever a student types is rendered afresh by
# render_markdown and kept nowhere.
BANK_CACHE_SIZE = 4096


# One paragraph of plain words: it starts with a letter (no list, heading, quote, code or
# HTML block can), stays on one line and holds no character Markdown or HTML gives a meaning
# to (no * _ ` [ ] ! < > & \ ~ | #, nothing outside ASCII). Such text renders to itself in
# <p>, as markdown-it and nh3 would render it (tests/unit/test_markdown.py checks they agree).
_PLAIN_CHARACTER = r"-A-Za-z0-9,.;:?'\"()%/$=+"
_PLAIN_PARAGRAPH = re.compile(rf"[A-Za-z](?:[{_PLAIN_CHARACTER} ]*[{_PLAIN_CHARACTER}])?")


def plain_paragraphs(text: str) -> str | None:
    """The HTML of `text` if it is only plain paragraphs (see _PLAIN_PARAGRAPH), else None."""
    paragraphs = text.split("\n\n")
    if all(_PLAIN_PARAGRAPH.fullmatch(paragraph) for paragraph in paragraphs):
        return "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return None


@lru_cache(maxsize=BANK_CACHE_SIZE)
def render_bank_markdown(text: str | None) -> str:
    """render_markdown for the text of a question bank, rendered once per process (plain
    paragraphs, most card faces, without the Markdown parser)."""
    return (text and plain_paragraphs(text)) or render_markdown(text)


@lru_cache(maxsize=BANK_CACHE_SIZE)
def render_bank_inline(text: str | None) -> str:
    """render_inline for the text of a question bank, rendered once per process."""
    return render_inline(text)


@lru_cache(maxsize=BANK_CACHE_SIZE)
def plain_excerpt(text: str | None, limit: int = 60) -> str:
    """The start of some bank Markdown as plain text, cut at a word near `limit` characters
    (kept once made, like render_bank_markdown: never for anything a user typed)."""
    if not text:
        return ""
    plain = html.unescape(nh3.clean(_md.render(text), tags=set()))
    plain = " ".join(plain.split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:") + "…"
