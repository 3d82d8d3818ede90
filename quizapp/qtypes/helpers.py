"""What several question types share: number parsing, cloze blanks, bounded form values,
shuffling and the bank-file checks common to several types (typed answers: textmatch.py). Pure.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from .base import FormValues, InvalidResponse
from .textmatch import UnsafePattern, compile_pattern, normalise

MAX_TEXT_ANSWER = 500  # characters of a typed answer or one cloze blank
MAX_NUMBER_ANSWER = 50  # characters of a typed number
SHUFFLE_TRIES = 100  # a rejected order comes up at most half the time: 2^-100 never happens

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:e[+-]?\d+)?")


# ---- text and numbers ----------------------------------------------------------------------


class NotANumber(ValueError):
    """A numeric response that is not a number: refused with a message, not marked wrong."""


def parse_number(response: str) -> float:
    """Read '250', '250.0', '1,000', '2.5e2', ' -3 '; raise NotANumber otherwise."""
    text = unicodedata.normalize("NFKC", response).strip().lower().replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise NotANumber(f"'{response.strip()}' is not a number: type digits, like 250 or 2.5")
    return float(text)


# ---- cloze blanks: one linear scan, no backtracking pattern --------------------------------


def split_cloze(text: str) -> list[str]:
    """Text and blanks alternating: [text, blank, text, ..., text] (n blanks, n + 1 texts).

    A blank runs from "[[" to the next "]]"; str.find keeps this linear however many
    unclosed "[[" an author (or an attacker) writes."""
    parts: list[str] = []
    position = 0
    while (start := text.find("[[", position)) != -1:
        end = text.find("]]", start + 2)
        if end == -1:
            break
        parts.extend((text[position:start], text[start + 2 : end]))
        position = end + 2
    parts.append(text[position:])
    return parts


def cloze_blanks(text: str) -> list[list[str]]:
    """The accepted answers of each [[a|b]] blank, in order."""
    return [[alt.strip() for alt in blank.split("|")] for blank in split_cloze(text)[1::2]]


def cloze_segments(text: str) -> list[str]:
    """The text around the blanks: n blanks give n + 1 segments (answers are not included)."""
    return split_cloze(text)[::2]


# ---- form values ---------------------------------------------------------------------------


def first_value(values: FormValues, name: str) -> str:
    found = values(name)
    return found[0].strip() if found else ""


def bounded(text: str, limit: int, what: str = "Your answer") -> str:
    """Refuse a typed value longer than `limit` characters (kept off the database)."""
    if len(text) > limit:
        raise InvalidResponse(f"{what} is too long: keep it under {limit} characters.")
    return text


# ---- presentation --------------------------------------------------------------------------


def shuffled(items: Sequence[Any], rng: random.Random) -> list[Any]:
    result = list(items)
    rng.shuffle(result)
    return result


def shuffled_avoiding(
    items: Sequence[Any], rng: random.Random, rejected: Callable[[list[Any]], bool]
) -> list[Any]:
    """An order drawn uniformly among those `rejected` refuses (rejection sampling, bounded).

    Every allowed order is equally likely, so no single wrong order gives the answer away."""
    result = list(items)
    for _ in range(SHUFFLE_TRIES):
        rng.shuffle(result)
        if not rejected(result):
            break
    return result


# ---- bank-file checks shared by several types ----------------------------------------------


def shuffle_setting(reader, fields, body: dict[str, Any]) -> bool:
    """Read an optional `shuffle` key into `body` (only `false` is kept); False if invalid."""
    if "shuffle" not in fields:
        return True
    value = reader.boolean(fields["shuffle"][1], "shuffle")
    if value is False:
        body["shuffle"] = False
    return value is not None


def accepted_answers(reader, node, what: str) -> list[str] | None:
    """A list of accepted typed answers, each with something left once punctuation goes."""
    answers = reader.text_list(node, what)
    if answers is None:
        return None
    ok = True
    for value, item in answers:
        if not normalise(value):
            reader.error(item, f"accepted answer '{value}' has nothing left once punctuation goes")
            ok = False
    return [value for value, _ in answers] if ok else None


def text_rules(reader, fields, body: dict[str, Any], accepted: list[str]) -> bool:
    """Read the optional `reject` list and `typos` switch of a typed answer into `body`; a near
    miss that is also an accepted answer is an error. False if anything was refused."""
    ok = True
    if "typos" in fields:
        typos = reader.boolean(fields["typos"][1], "typos")
        if typos is False:
            body["typos"] = False
        ok = typos is not None
    if "reject" in fields:
        entries = reader.text_list(fields["reject"][1], "reject")
        if entries is None:
            return False
        wanted = {normalise(answer) for answer in accepted}
        for value, item in entries:
            if normalise(value) in wanted:
                reader.error(item, f"'{value}' is both an accepted answer and in reject")
                ok = False
        body["reject"] = [value for value, _ in entries]
    return ok


def pattern_rule(reader, fields, body: dict[str, Any]) -> bool:
    """Read an optional `pattern` (matched by RE2 against the normalised response, B7)."""
    if "pattern" not in fields:
        return True
    node = fields["pattern"][1]
    pattern = reader.text(node, "pattern")
    if pattern is None:
        return False
    try:
        compile_pattern(pattern)
    except UnsafePattern as exc:
        reader.error(node, str(exc))
        return False
    body["pattern"] = pattern
    return True


TEXT_LIST = {"type": "array", "items": {"type": ["string", "number"]}, "uniqueItems": True}
TEXT_RULES = {
    "reject": {
        **TEXT_LIST,
        "minItems": 1,
        "description": "Near misses that stay wrong, whatever typo tolerance would allow.",
    },
    "typos": {
        "type": "boolean",
        "description": "false: no typo tolerance (exact answers after normalising only).",
    },
}
