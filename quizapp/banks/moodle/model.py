"""A question as Moodle holds it, whichever file it came from (GIFT or Moodle XML).

Readers fill a MoodleQuestion the way Moodle's own importers fill theirs (same question types,
fractions from 0 to 1, per-answer feedback, numeric tolerances...); each question type then
turns it into bank data (`QuestionType.from_moodle`) and back (`QuestionType.to_moodle`), and
each writer prints it. Texts keep the format they were written in until a type asks for them
as Markdown or plain text, so conversions happen once, with a warning for what they drop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .textconv import html_to_markdown, html_to_plain, plain_to_markdown

GAP = "_____"  # what Moodle puts in a missing-word question's text where the braces were
Report = Callable[[str, str], None]  # (severity, message), located at the question
# qtype_ordering's names for how many items it shows and how it grades, with their aliases.
SELECT_NAMES = {"ALL": "ALL", "EXACT": "ALL", "RANDOM": "RANDOM", "REL": "RANDOM",
                "CONTIGUOUS": "CONTIGUOUS", "CONTIG": "CONTIGUOUS"}  # fmt: skip
NEXT = "RELATIVE_NEXT_EXCLUDE_LAST"
GRADING_NAMES = {"ABS": "ABSOLUTE_POSITION", "ABSOLUTE": "ABSOLUTE_POSITION",
                 "REL": NEXT, "RELATIVE": NEXT}  # fmt: skip
# The grades Moodle's importers accept for an answer (question_bank::fraction_options_full,
# these and their negatives): by default Moodle refuses a question with any other fraction.
GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25,
          0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)  # fmt: skip
GRADED = ("multichoice", "shortanswer", "numerical")  # the types whose fractions it checks


@dataclass(frozen=True)
class Text:
    """Text in one of Moodle's formats: markdown, html, plain or moodle (HTML whose line
    breaks count, Moodle's "auto-format")."""

    value: str
    format: str = "markdown"

    def __bool__(self) -> bool:
        return bool(self.value.strip())

    def markdown(self, inline: bool = False) -> tuple[str, set[str]]:
        """The text as Markdown, and what the conversion dropped (images, tables...);
        `inline`: for text shown within a line, such as a choice."""
        if self.format == "markdown":
            return self.value, set()
        if self.format == "plain":
            return plain_to_markdown(self.value, inline), set()
        html = self.value.replace("\n", "<br>") if self.format == "moodle" else self.value
        return html_to_markdown(html, inline)

    def plain(self) -> str:
        """The text as plain characters (tags gone, entities decoded)."""
        if self.format in ("markdown", "plain"):
            return self.value.strip()
        return html_to_plain(self.value)


NO_TEXT = Text("")


@dataclass
class Answer:
    """One of a question's answers: its text, its fraction of the mark (Moodle's 0..1, may be
    negative), its feedback; a numerical answer's tolerance, or the interval it was written
    as (GIFT's min..max)."""

    text: Text
    fraction: float = 0.0
    feedback: Text = NO_TEXT
    tolerance: float | None = None  # None: not written (Moodle reads 0)
    interval: tuple[float, float] | None = None


@dataclass
class MoodleQuestion:
    """A question in Moodle's terms. `qtype` is Moodle's name (multichoice, truefalse,
    shortanswer, numerical, match, ordering, multianswer, essay, description, ...)."""

    qtype: str
    text: Text = NO_TEXT
    name: str = ""
    idnumber: str = ""
    general: Text = NO_TEXT  # general feedback: shown after answering, whatever the answer
    mark: float | None = None  # default mark; None when the file does not say (GIFT)
    tags: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    single: bool = True  # multichoice: one answer (radio buttons) or several (checkboxes)
    shuffle: bool | None = None  # multichoice, match; None when the file does not say
    usecase: bool = False  # shortanswer: case matters
    subquestions: list[tuple[Text, str]] = field(default_factory=list)  # match: (stem, answer)
    units: list[tuple[str, float]] = field(default_factory=list)  # numerical: (unit, multiplier)
    unit_graded: bool = False  # numerical: the unit must be given
    options: dict[str, str] = field(default_factory=dict)  # ordering: selecttype, gradingtype...
    blanks: list[MoodleQuestion] = field(default_factory=list)  # multianswer: {#1}, {#2}, ...
    gap: tuple[Text, Text] | None = None  # GIFT missing word: the text before and after it
    unkept: list[str] = field(default_factory=list)  # what the file said that Moodle-side
    # features quizapp has no room for (combined feedback, hints, files), for a warning
    line: int = 1
    report: Report | None = None  # where a question type's findings about it go
    lost: list[str] = field(default_factory=list)  # writing: bank keys this form cannot hold

    # ---- for the question types: conversions and findings, located at the question ---------

    def warn(self, message: str) -> None:
        if self.report is not None:
            self.report("warning", message)

    def error(self, message: str) -> None:
        if self.report is not None:
            self.report("error", message)

    def md(self, text: Text, what: str = "text", inline: bool = False) -> str:
        """`text` as Markdown; what the conversion drops is a warning."""
        value, dropped = text.markdown(inline)
        if dropped:
            self.warn(
                f"the {what} is HTML; converted to Markdown without {', '.join(sorted(dropped))}"
            )
        return value.strip()


def refused_grades(question: MoodleQuestion) -> str | None:
    """Why Moodle's importer (matching grades "error if not listed", its default) would refuse
    this question: the answer fractions that are not among its grades; None if it would not."""
    if question.qtype not in GRADED:
        return None
    off = [
        f"{round(a.fraction * 100, 5):g}%"
        for a in question.answers
        if all(abs(abs(a.fraction) - grade) >= 0.00001 for grade in GRADES)
    ]
    if not off:
        return None
    off = list(dict.fromkeys(off))
    which = f"{off[0]} is not one of" if len(off) == 1 else f"{', '.join(off)} are not among"
    return (
        f"Moodle refuses to import it: {which} its grades (100, 90, 83.33333, 80, 75, 70, "
        "66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5 "
        "or 0%, or minus one of them)"
    )


def ordering_options(select: str, count: str, grading: str) -> dict[str, str]:
    """An ordering's settings under qtype_ordering's own names (its defaults when not given:
    RANDOM items, RELATIVE_NEXT_EXCLUDE_LAST grading)."""
    select, grading = select.strip().upper(), grading.strip().upper()
    return {
        "selecttype": SELECT_NAMES.get(select, "RANDOM"),
        "selectcount": count.strip(),
        "gradingtype": GRADING_NAMES.get(grading, grading or NEXT),
    }


def feedback_map(pairs: list[tuple[Any, Text]], question: MoodleQuestion) -> dict[Any, str]:
    """Per-answer feedback as bank data: {key: Markdown}, leaving out empty ones."""
    found = {}
    for key, text in pairs:
        if text:
            found[key] = question.md(text, "feedback")
    return found
