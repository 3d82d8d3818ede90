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
    read = reader.keyed_values(
        fields["feedback"][1],
        "feedback",
        "feedback must be a mapping of an answer to the text shown for it",
        ("answer", keys, what),
        lambda node, key: reader.text(node, f"the feedback for '{key}'"),
        allow_empty=False,
    )
    if read is None:
        return False
    body["feedback"], ok = read
    return ok


def feedback_for(data: Data, *keys: str) -> str | None:
    """The feedback of the first of `keys` that has some, as the plain text a note shows."""
    given = data.get("feedback") or {}
    found = next((given[key] for key in keys if key in given), None)
    return html_to_plain(render_markdown(found)) if found else None


def joined(*notes: str | None) -> str | None:
    return " ".join(note for note in notes if note) or None
