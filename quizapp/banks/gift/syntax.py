"""GIFT's escapes, shared by the reader and the writers (the question types' GIFT arms)."""

from __future__ import annotations

import re

# Escapes are swapped for private-use characters while parsing, then restored.
ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005",
           "\\~": "\ue006", "\\n": "\ue007"}  # fmt: skip
RESTORE = {"\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}", "\ue006": "~",
           "\ue007": "\n", "\ue000": "\\"}  # fmt: skip


# What a text written raw (not escaped) cannot hold: qtype_ordering's GIFT items.
RAW_UNSAFE = re.compile(r"[{}\\\n]|####|^//")


def slugify(text: str, limit: int | None = None) -> str:
    """Lower-case letters, digits and single hyphens (an id made from a title)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") if limit else slug


def protect(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for escaped, placeholder in ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def restore(text: str) -> str:
    for placeholder, char in RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def escape(text: str) -> str:
    """GIFT-escape text (as Moodle's exporter does), keeping line breaks as \\n."""
    text = text.replace("\\", "\\\\")
    for char in ":#={}~":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")
