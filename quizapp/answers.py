"""How a question is presented in an attempt and how a submitted form becomes a response.

Pure: the presentation (shuffled order) is made once per attempt and stored, and the
form decoding reads a plain mapping of field name to list of values.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from .grading import CLOZE_BLANK, NotANumber, cloze_blanks, parse_number

FormValues = Callable[[str], list[str]]  # field name -> submitted values (like MultiDict.getlist)


class InvalidResponse(ValueError):
    """A response that cannot be recorded as given; the message says what to fix."""


def _shuffled(items: list[str], rng: random.Random, avoid_identity: bool = False) -> list[str]:
    result = list(items)
    for _ in range(5):
        rng.shuffle(result)
        if not avoid_identity or result != items or len(items) < 2:
            break
    return result


def make_presentation(qtype: str, data: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    """The order in which this attempt shows the question's parts; stored with the attempt."""
    shuffle = data.get("shuffle", True)
    match qtype:
        case "single" | "multiple":
            choices = list(data["choices"])
            return {"choices": _shuffled(choices, rng) if shuffle else choices}
        case "ordering":
            # Shown in the right order the question would answer itself.
            return {"items": _shuffled(list(data["items"]), rng, avoid_identity=True)}
        case "matching":
            rights = list(
                dict.fromkeys([r for _, r in data["pairs"]] + data.get("distractors", []))
            )
            return {
                "lefts": [left for left, _ in data["pairs"]],
                "options": _shuffled(rights, rng) if shuffle else sorted(rights),
            }
        case "cloze":
            return {"blanks": len(cloze_blanks(data["text"]))}
    return {}


def cloze_segments(text: str) -> list[str]:
    """The text around the blanks: n blanks give n + 1 segments (answers are not included)."""
    return CLOZE_BLANK.split(text)[::2]


def decode_response(
    qtype: str, data: Mapping[str, Any], presentation: Mapping[str, Any], values: FormValues
) -> Any:
    """Read the answer fields of one question; None when nothing was answered.

    Raises InvalidResponse for input that cannot be an answer (not a number, an option that
    was never offered, an item placed twice).
    """

    def one(name: str) -> str:
        found = values(name)
        return found[0].strip() if found else ""

    match qtype:
        case "single":
            choice = one("answer")
            if not choice:
                return None
            if choice not in presentation["choices"]:
                raise InvalidResponse("Choose one of the options shown.")
            return choice
        case "multiple":
            chosen = [v for v in values("answer") if v]
            if any(v not in presentation["choices"] for v in chosen):
                raise InvalidResponse("Choose among the options shown.")
            return sorted(set(chosen), key=presentation["choices"].index) or None
        case "true_false":
            choice = one("answer")
            if choice not in ("true", "false", ""):
                raise InvalidResponse("Choose True or False.")
            return {"true": True, "false": False}.get(choice)
        case "short":
            return one("answer") or None
        case "numeric":
            text = one("answer")
            if not text:
                return None
            try:
                return parse_number(text)
            except NotANumber as exc:
                raise InvalidResponse(str(exc)) from exc
        case "ordering":
            items = presentation["items"]
            chosen = [one(f"order-{i}") for i in range(len(items))]
            if not any(chosen):
                return None
            if any(c and c not in items for c in chosen):
                raise InvalidResponse("Choose among the items shown.")
            placed = [c for c in chosen if c]
            if len(placed) != len(set(placed)):
                raise InvalidResponse("Put each item in one position only.")
            return chosen
        case "matching":
            lefts, options = presentation["lefts"], presentation["options"]
            chosen = {left: one(f"match-{i}") for i, left in enumerate(lefts)}
            if not any(chosen.values()):
                return None
            if any(v and v not in options for v in chosen.values()):
                raise InvalidResponse("Choose among the options shown.")
            return {left: value for left, value in chosen.items() if value}
        case "cloze":
            filled = [one(f"blank-{i}") for i in range(presentation["blanks"])]
            return filled if any(filled) else None
    raise ValueError(f"unknown question type {qtype!r}")


def form_values(qtype: str, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of decode_response, to show a saved answer in the form again."""
    if response is None:
        return {}
    match qtype:
        case "single" | "short":
            return {"answer": response}
        case "multiple":
            return {"answer": list(response)}
        case "true_false":
            return {"answer": "true" if response else "false"}
        case "numeric":
            return {"answer": f"{response:g}"}
        case "ordering":
            return {f"order-{i}": item for i, item in enumerate(response)}
        case "matching":
            lefts = presentation["lefts"]
            return {f"match-{i}": response.get(left, "") for i, left in enumerate(lefts)}
        case "cloze":
            return {f"blank-{i}": value for i, value in enumerate(response)}
    return {}


def response_text(qtype: str, response: Any) -> str:
    """A student's response as short Markdown for the results page."""
    if response is None:
        return "*(no answer)*"
    match qtype:
        case "multiple":
            return "\n".join(f"- {item}" for item in response)
        case "true_false":
            return "True" if response else "False"
        case "numeric":
            return f"{response:g}"
        case "ordering":
            return "\n".join(f"{n}. {item or '—'}" for n, item in enumerate(response, start=1))
        case "matching":
            return "\n".join(f"- {left} → {right}" for left, right in response.items())
        case "cloze":
            return " · ".join(item or "—" for item in response)
    return str(response)


def sample_response(
    qtype: str, data: Mapping[str, Any], presentation: Mapping[str, Any], right: bool, rng
) -> Any:
    """A plausible stored response, right or wrong, for simulated students (demo data)."""
    match qtype:
        case "single":
            if right:
                return data["answer"]
            return rng.choice([c for c in data["choices"] if c != data["answer"]])
        case "multiple":
            if right:
                return list(data["answers"])
            wrong = [c for c in data["choices"] if c not in data["answers"]]
            return sorted({*data["answers"][:-1], *rng.sample(wrong, min(1, len(wrong)))})
        case "true_false":
            return data["answer"] if right else not data["answer"]
        case "short":
            return data["answers"][0] if right else "not sure"
        case "numeric":
            value = data["answer"] if "answer" in data else data["range"][0]
            return float(value) if right else float(value) * 2 + 1
        case "ordering":
            items = list(data["items"])
            if not right:
                items[0], items[-1] = items[-1], items[0]
            return items
        case "matching":
            pairs = dict(data["pairs"])
            if right:
                return pairs
            lefts = list(pairs)
            first, last = lefts[0], lefts[-1]
            pairs[first], pairs[last] = pairs[last], pairs[first]
            return pairs
        case "cloze":
            blanks = cloze_blanks(data["text"])
            return [alts[0] if right else "?" for alts in blanks]
    raise ValueError(f"unknown question type {qtype!r}")
