"""Moodle's cloze (multianswer) syntax inside a question text: `{1:SHORTANSWER:=a~=b#feedback}`.

Read as qtype_multianswer_extract_question reads it (the weight, the type and its aliases,
`=` or `%50%` fractions, `#feedback`, `\\}` and `\\#` escapes, entities decoded), but with a
linear scanner instead of its nested lazy regular expressions, so no text can make it slow.
Each blank becomes a MoodleQuestion and its place in the text `{#n}`, as Moodle stores it.
"""

from __future__ import annotations

import html
import re

from ..moodle.model import Answer, MoodleQuestion, Text

TYPES = {
    "shortanswer": ("SHORTANSWER", "SA", "MW"),
    "shortanswer_c": ("SHORTANSWER_C", "SAC", "MWC"),
    "numerical": ("NUMERICAL", "NM"),
    "multichoice": ("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
                    "MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"),
    "multiresponse": ("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
                      "MULTIRESPONSE_HS", "MRHS"),
}  # fmt: skip
KIND = {alias: kind for kind, aliases in TYPES.items() for alias in aliases}
START = re.compile(r"\{([0-9]*):(" + "|".join(sorted(KIND, key=len, reverse=True)) + r"):")
FRACTION = re.compile(r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%")
NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
NUMERICAL = re.compile(rf"({NUMBER})(?::({NUMBER}))?")
STOPS = {"~#}": re.compile(r"[~#}]"), "~}": re.compile(r"[~}]")}


class NotInCloze(ValueError):
    """A blank Moodle's cloze syntax cannot hold; the message says why."""


def _unescape(text: str) -> str:
    return html.unescape(text).replace("\\}", "}").replace("\\#", "#")


def _scan(text: str, position: int, stops: str, answer: bool) -> int:
    """Where a piece ends: the next `stops` character not escaped by a backslash (nor, for
    an answer, following '&', which starts an entity)."""
    index = position + 1 if answer else position  # an answer has at least one character
    pattern = STOPS[stops]
    while (found := pattern.search(text, index)) is not None:
        index = found.start()
        entity = answer and (text[index - 1] == "&" or text.endswith("&amp;", 0, index))
        if text[index - 1] != "\\" and not entity:
            return index
        index += 1
    return -1


def _blank(text: str, match: re.Match) -> tuple[MoodleQuestion, int] | None:
    """The blank starting at `match`, and where it ends; None when it does not close."""
    kind = KIND[match.group(2)]
    pieces: list[tuple[str, str, str]] = []  # (fraction, answer, feedback) as written
    position = match.end()
    while True:
        found = FRACTION.match(text, position)
        fraction = found.group() if found is not None else ""
        position = found.end() if found is not None else position
        end = _scan(text, position, "~#}", answer=True)
        if end == -1:
            return None
        value, feedback = text[position:end], ""
        if text[end] == "#":
            stop = _scan(text, end + 1, "~}", answer=False)
            if stop == -1:
                return None
            feedback, end = text[end + 1 : stop], stop
        pieces.append((fraction, value, feedback))
        position = end + 1
        if text[end] == "}":
            break
    answers = [  # built once the blank is known to close
        _answer(kind, _unescape(value), _fraction(mark), _unescape(feedback))
        for mark, value, feedback in pieces
    ]
    blank = MoodleQuestion(
        "numerical" if kind == "numerical" else "shortanswer" if "short" in kind else "multichoice",
        answers=answers,
        mark=float(match.group(1) or 1),
        usecase=kind == "shortanswer_c",
        single=kind != "multiresponse",
    )
    return blank, position


def _fraction(mark: str) -> float:
    if not mark:
        return 0.0
    return 1.0 if mark == "=" else float(mark.strip("%").replace(",", ".")) / 100


def _answer(kind: str, value: str, fraction: float, feedback: str) -> Answer:
    said = Text(feedback, "html")
    number = NUMERICAL.fullmatch(value.strip()) if kind == "numerical" else None
    if number is not None:
        tolerance = float(number.group(2).replace(",", ".")) if number.group(2) else None
        return Answer(Text(number.group(1).replace(",", "."), "plain"), fraction, said, tolerance)
    return Answer(
        Text(value, "html" if kind in ("multichoice", "multiresponse") else "plain"), fraction, said
    )


def read_cloze(text: str) -> tuple[str, list[MoodleQuestion]]:
    """The text with each blank replaced by `{#n}`, and the blanks in order."""
    blanks: list[MoodleQuestion] = []
    out, position = [], 0
    for match in START.finditer(text):
        if match.start() < position:
            continue  # inside a blank already read
        found = _blank(text, match)
        if found is None:  # never closed: Moodle leaves it in the text as it is, and no later
            break  # blank can close either (stopping here keeps reading linear)
        blank, end = found
        blanks.append(blank)
        out += [text[position : match.start()], f"{{#{len(blanks)}}}"]
        position = end
    out.append(text[position:])
    return "".join(out), blanks


def _escape(text: str) -> str:
    if "~" in text:
        raise NotInCloze(f"'{text}' holds a ~, which Moodle's cloze syntax cannot")
    return text.replace("}", "\\}").replace("#", "\\#")


def write_blank(blank: MoodleQuestion) -> str:
    """A blank (a short answer) in the cloze syntax: {1:SHORTANSWER:%0%wrong~=right#said}."""
    alternatives = []
    for answer in blank.answers:
        mark = "=" if answer.fraction == 1 else f"%{round(answer.fraction * 100, 5):g}%"
        said = f"#{_escape(answer.feedback.value)}" if answer.feedback else ""
        alternatives.append(f"{mark}{_escape(answer.text.value)}{said}")
    weight = int(blank.mark) if blank.mark and float(blank.mark).is_integer() else 1
    return f"{{{weight}:SHORTANSWER:{'~'.join(alternatives)}}}"
