"""What several question types share: text normalisation, number parsing, cloze blanks, bounded
form values, shuffling and the bank-file checks common to choice-like keys. Pure.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from .base import FormValues, InvalidResponse

MAX_TEXT_ANSWER = 500  # characters of a typed answer or one cloze blank
MAX_NUMBER_ANSWER = 50  # characters of a typed number
SHUFFLE_TRIES = 100  # a rejected order comes up at most half the time: 2^-100 never happens

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:e[+-]?\d+)?")


# ---- text and numbers ----------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Compare free-text answers the forgiving way: NFKC, case-folded, no punctuation, one space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category.startswith(("Z", "C")):
            kept.append(" ")
        elif not category.startswith("P"):
            kept.append(char)
        elif char == "." and _between_digits(text, index):
            kept.append(char)  # 9.9 is not 99
    return " ".join("".join(kept).split())


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def matches_text(response: str, answers: Sequence[str], pattern: str | None = None) -> bool:
    """Whether a typed answer is one of the accepted ones (or matches the pattern)."""
    wanted = normalise_text(response)
    if not wanted:
        return False
    # "real name" and "real-name" (which loses its hyphen) should both match: compare
    # without spaces too.
    compact = wanted.replace(" ", "")
    for answer in answers:
        accepted = normalise_text(answer)
        if wanted == accepted or compact == accepted.replace(" ", ""):
            return True
    return bool(pattern) and re.fullmatch(pattern, response.strip(), re.IGNORECASE) is not None


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
        if not normalise_text(value):
            reader.error(item, f"accepted answer '{value}' has nothing left once punctuation goes")
            ok = False
    return [value for value, _ in answers] if ok else None


TEXT_LIST = {"type": "array", "items": {"type": ["string", "number"]}, "uniqueItems": True}
