"""Per-answer feedback (`feedback:` in a bank, Moodle's feedback on each answer): a mapping of
an answer (a choice, a typed answer, `right`/`wrong`...) to Markdown shown to the student who
gave it, beside the mark (the grade's note, which pages show as plain text). Pure."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..banks.moodle.textconv import html_to_plain
from ..markdown import render_markdown
from .base import Data

OTHER = "*"  # a typed-answer question's feedback for any other (wrong) response, as in Moodle
RIGHT, WRONG = "right", "wrong"
FEEDBACK = {
    "type": "object",
    "additionalProperties": {"type": "string", "minLength": 1},
    "minProperties": 1,
    "description": "Feedback shown to a student who gives that answer (Markdown).",
}


def feedback_rule(reader, fields, body: dict[str, Any], keys: Collection[str], what: str) -> bool:
    """Read an optional `feedback` mapping into `body`; each key must be one of `keys` (said
    as `what` in the message). False if anything was refused."""
    if "feedback" not in fields:
        return True
    node = fields["feedback"][1]
    items = getattr(node, "value", None)
    if not isinstance(items, list) or not items or not all(isinstance(i, tuple) for i in items):
        reader.error(node, "feedback must be a mapping of an answer to the text shown for it")
        return False
    found: dict[str, str] = {}
    ok = True
    for key_node, value_node in items:
        key = reader.text(key_node, "each answer in feedback")
        text = reader.text(value_node, f"the feedback for '{key}'")
        if key is None or text is None:
            ok = False
        elif key in found:
            reader.error(key_node, f"feedback gives '{key}' twice")
            ok = False
        elif key not in keys:
            reader.error(key_node, f"feedback names '{key}', which is not {what}")
            ok = False
        else:
            found[key] = text
    body["feedback"] = found
    return ok


def feedback_for(data: Data, *keys: str) -> str | None:
    """The feedback of the first of `keys` that has some, as the plain text a note shows."""
    given = data.get("feedback") or {}
    found = next((given[key] for key in keys if key in given), None)
    return html_to_plain(render_markdown(found)) if found else None


def joined(*notes: str | None) -> str | None:
    return " ".join(note for note in notes if note) or None
