"""Write banks as Moodle GIFT text, question by question from its Moodle form, the way Moodle's
GIFT exporter (and its ordering plugin) writes each type, so that Moodle and quizapp read the
file back the same. What GIFT cannot hold is named in the export's report, never dropped
silently."""

from __future__ import annotations

from ..moodle.banks import Export, category_path
from ..moodle.model import Answer, MoodleQuestion
from .syntax import RAW_UNSAFE, escape

MIXED = "GIFT has no question with several blanks (Moodle XML keeps it)"


class NotInGift(Exception):
    """This Moodle question cannot be written in GIFT; the message says why."""


def write_gift(banks: list[dict]) -> Export:
    """GIFT text for banks in format-v1 data; what GIFT cannot hold is listed, not hidden."""
    out: list[str] = []
    report = Export()
    for data in banks:
        header = data["bank"]
        out.append(
            f"// [bank:{header['id']}] [order:{header.get('order', 0)}]\n"
            f"$CATEGORY: {escape(category_path(header['title']))}\n"
        )
        if header.get("summary"):
            out.append(f"// [summary]\n::summary::[markdown]{escape(header['summary'])}\n")
        out.extend(report.written(data, gift_question, (NotInGift,)))
    report.text = "\n".join(out)
    return report


def gift_question(q: MoodleQuestion) -> tuple[str, list[str]]:
    """One question's GIFT text and what it lost; raises NotInGift."""
    lost = list(q.lost)
    if q.mark not in (None, 1.0) and not any(name.startswith("points") for name in lost):
        lost.append("points")
    if q.shuffle is False:
        lost.append("shuffle")
    if q.units:
        lost.append("unit")
    comments = f"// [id:{q.idnumber}]" + "".join(f" [tag:{t}]" for t in q.tags)
    head = f"{comments}\n::{escape(q.name)}::[markdown]"
    general = f"####{escape(q.general.value)}" if q.general else ""
    if q.qtype == "multianswer":
        before, answer, after = _missing_word(q, lost)
        return f"{head}{escape(before)}{{{answer}{general}}}{escape(after)}\n", lost
    answer = WRITERS[q.qtype](q)
    return f"{head}{escape(q.text.value)}{{{answer}{general}}}\n", lost


def _feedback(answer: Answer) -> str:
    return f"#{escape(answer.feedback.value)}" if answer.feedback else ""


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 5):g}"


def _multichoice(q: MoodleQuestion) -> str:
    def mark(answer: Answer) -> str:
        if q.single and answer.fraction == 1:
            return "="
        return "~" if answer.fraction == 0 else f"~%{_percent(answer.fraction)}%"

    return " ".join(mark(a) + escape(a.text.value) + _feedback(a) for a in q.answers)


def _truefalse(q: MoodleQuestion) -> str:
    right = next(a for a in q.answers if a.fraction == 1)
    wrong = next(a for a in q.answers if a is not right)
    said = f"#{escape(wrong.feedback.value)}" if wrong.feedback or right.feedback else ""
    said += f"#{escape(right.feedback.value)}" if right.feedback else ""
    return right.text.value.upper() + said


def _shortanswer(q: MoodleQuestion) -> str:
    def mark(answer: Answer) -> str:
        return "=" if answer.fraction == 1 else f"=%{_percent(answer.fraction)}%"

    return " ".join(mark(a) + escape(a.text.value) + _feedback(a) for a in q.answers)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _numerical(q: MoodleQuestion) -> str:
    numbers = [a for a in q.answers if a.text.value != "*"]
    parts = []
    for answer in numbers:
        if answer.interval is not None:
            value = "..".join(map(_number, answer.interval))
        else:
            tolerance = "" if answer.tolerance is None else f":{_number(answer.tolerance)}"
            value = answer.text.value + tolerance
        weight = f"=%{_percent(answer.fraction)}%" if len(numbers) > 1 else ""
        parts.append(f"{weight}{value}{_feedback(answer)}")
    parts += [f"~{_feedback(a) or '#'}" for a in q.answers if a.text.value == "*"]
    return "#" + " ".join(parts)


def _match(q: MoodleQuestion) -> str:
    if any("->" in stem.value for stem, _ in q.subquestions):
        raise NotInGift("a left-hand side holds '->', which GIFT's matching cannot")
    return " ".join(f"={escape(stem.value)} -> {escape(right)}" for stem, right in q.subquestions)


def _ordering(q: MoodleQuestion) -> str:
    """qtype_ordering's GIFT: the items one per line, as they are (it restores no escapes)."""
    items = [answer.text.value for answer in q.answers]
    for item in items:
        if RAW_UNSAFE.search(item) or item.strip() in ("", "0") or item != item.strip():
            raise NotInGift(f"the item '{item}' cannot be written as Moodle's ordering GIFT needs")
    options = q.options
    settings = " ".join(
        options[name]
        for name in ("layouttype", "gradingtype", "showgrading", "numberingstyle")
        if name in options
    )
    head = f">{options['selectcount']} {options['selecttype']} {settings}"
    return head + "\n" + "\n".join(items) + "\n"


def _missing_word(q: MoodleQuestion, lost: list[str]) -> tuple[str, str, str]:
    """A cloze with one blank as GIFT's missing word: text {=answer} text."""
    if len(q.blanks) != 1:
        raise NotInGift(MIXED)
    before, _, after = q.text.value.partition("{#1}")
    if not after.strip():
        lost.append("type (a blank that ends the text reads as a short answer in GIFT)")
    return before, _shortanswer(q.blanks[0]), after


WRITERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "match": _match,
    "ordering": _ordering,
}
