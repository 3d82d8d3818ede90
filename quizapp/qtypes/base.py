"""What a question type is: the base class every type module fills in, and the small values
its methods exchange (a Grade, a refused response). Pure: no Flask, no database.

A type owns everything particular to it: its bank keys with their checks and JSON Schema,
how an attempt shows it (shuffle), how a form post becomes a response (bounded), how the form
is filled again, grading, the answer key and flashcard text, demo answers, its Moodle form
(read from and written to GIFT and Moodle XML files) and the response categories item
analysis counts. Its template is `quiz/types/<key>.html`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..banks.moodle.model import MoodleQuestion

FormValues = Callable[[str], list[str]]  # field name -> submitted values (like MultiDict.getlist)
Data = Mapping[str, Any]  # a question as stored: common keys plus the type's own keys


class InvalidResponse(ValueError):
    """A response that cannot be recorded as given; the message says what to fix."""


def full_marks(fraction: float) -> bool:
    return fraction >= 1 - 1e-9


@dataclass(frozen=True)
class PartMark:
    """Right or wrong for one part of a response: an option, a position, a row or a blank."""

    part: str
    right: bool


@dataclass(frozen=True)
class Grade:
    """Fraction of the question's points earned (0..1), with optional per-part marks and a
    note for the student (such as which close match was accepted)."""

    fraction: float
    parts: tuple[PartMark, ...] = ()
    note: str | None = None

    @property
    def correct(self) -> bool:
        return full_marks(self.fraction)


@dataclass(frozen=True)
class PartReview:
    """How one part of a checked answer did, for marking it where the page shows it.

    `state`: "right" or "wrong" (the student's choice or entry), "partly" (partly right),
    "missed" (a right option the student left out) or "answer" (the right option, not
    chosen). `answer` is the right value of a row, position or blank the student got wrong.
    """

    state: str
    answer: str | None = None

    @property
    def reveals_key(self) -> bool:
        """It says what the right answer is, not only whether the student's was right."""
        return self.state in ("missed", "answer") or self.answer is not None

    @property
    def right(self) -> bool:
        return self.state in ("right", "answer")


def verdict_state(fraction: float) -> str:
    return "right" if full_marks(fraction) else "partly" if fraction > 0 else "wrong"


@dataclass(frozen=True)
class ResponsePart:
    """One part of a response as response analysis counts it: `part` is "" for the whole
    response, or a blank's number, a matching row or an ordering position; `normalised`
    groups spellings; `raw` is as typed or picked; `credit` (a fraction, negative for a
    penalised choice) is what the key gives it, None when only grading can say."""

    part: str
    normalised: str
    raw: str
    credit: float | None = None


@dataclass(frozen=True)
class BankEdit:
    """An instructor's verdict on a response, as a change to the bank file: `value` appended
    to the question's list `key`, or (with `blank`, a number from 1) to that cloze blank."""

    key: str
    value: str
    blank: int | None = None


class NotInMoodle(Exception):
    """This question has no form in Moodle's formats; the message says why (the export
    lists it)."""


class QuestionType:
    """One kind of question. Subclasses set the class attributes and override what differs."""

    key: ClassVar[str]  # as written in bank files: `type: <key>`
    label: ClassVar[str]  # in messages: "<label> questions ..."
    fields: ClassVar[dict[str, dict[str, Any]]] = {}  # its bank keys -> JSON Schema fragment
    required: ClassVar[tuple[str, ...]] = ()  # keys the schema requires (the parser checks all)
    schema_rules: ClassVar[dict[str, Any]] = {}  # extra JSON Schema (anyOf, not, ...)
    needs_prompt: ClassVar[bool] = True
    # Shows options next to its prompt, so a flashcard of the prompt alone may not stand.
    options_beside_prompt: ClassVar[bool] = False
    # In practice, a student may overrule a rejected answer ("I was right"); never in exams.
    overridable: ClassVar[bool] = False
    # Said above the front of its flashcard, when the front alone does not say what to do.
    card_cue: ClassVar[str | None] = None
    moodle_types: ClassVar[tuple[str, ...]] = ()  # the Moodle question types it reads
    # Its keys an instructor may edit in the browser's question form (qtypes.editing.Editable);
    # the others stay as the file has them.
    editable: ClassVar[tuple[Any, ...]] = ()
    # Where its template lives when not in the app's templates (a type defined elsewhere).
    template_folder: ClassVar[Path | None] = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.fields)

    @property
    def template(self) -> str:
        return f"quiz/types/{self.key}.html"

    # ---- the bank file ---------------------------------------------------------------------

    def parse(self, reader, fields, node) -> dict[str, Any] | None:
        """The type's keys as data, or None after reporting located problems on `reader`."""
        raise NotImplementedError

    # ---- an attempt ------------------------------------------------------------------------

    def present(self, data: Data, rng: random.Random) -> dict[str, Any]:
        """The order in which one attempt shows the question's parts; stored with it."""
        return {}

    def display(self, data: Data) -> dict[str, Any]:
        """What the template needs besides the presentation: never the answer key."""
        return {}

    def stem(self, data: Data) -> str:
        """The question as one piece of Markdown, for results pages."""
        return data.get("prompt") or ""

    def field_names(self, presentation: Mapping[str, Any]) -> list[str]:
        """The form fields that hold the answer."""
        return ["answer"]

    def decode(self, data: Data, presentation: Mapping[str, Any], values: FormValues) -> Any:
        """Read the answer fields; None when nothing was answered. Raises InvalidResponse for
        what cannot be an answer, including a value longer than the type allows."""
        raise NotImplementedError

    def form_values(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        """The inverse of decode, to show a saved answer in the form again."""
        return {} if response is None else self.refill(response, presentation)

    def refill(self, response: Any, presentation: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": response}

    def posted_values(self, values: FormValues, presentation: Mapping[str, Any]) -> dict[str, Any]:
        """What the student posted, to show it again after a refusal (cut to a sane size)."""
        return {name: (values(name) or [""])[0][:1000] for name in self.field_names(presentation)}

    def response_text(self, response: Any) -> str:
        """A student's response as short Markdown for the results page."""
        return "*(no answer)*" if response is None else self.describe(response)

    def describe(self, response: Any) -> str:
        return str(response)

    def grade(self, data: Data, response: Any) -> Grade:
        raise NotImplementedError

    def review(
        self, data: Data, presentation: Mapping[str, Any], response: Any
    ) -> dict[str, PartReview]:
        """Right or wrong for each part of a graded response, keyed by the form field (or the
        option) beside which its template shows it. By default the one answer field."""
        if response is None:
            return {}
        return {"answer": PartReview(verdict_state(self.grade(data, response).fraction))}

    # ---- answer key and flashcard ----------------------------------------------------------

    def answer_text(self, data: Data) -> str:
        """The correct answer as short Markdown, for card backs and results."""
        raise NotImplementedError

    def also_accepted(self, data: Data) -> list[str]:
        """Other answers that count as right, listed after the correct one in feedback."""
        return []

    def card_front(self, data: Data) -> str:
        """The front of the flashcard derived from the question."""
        return data.get("prompt") or ""

    def card_gaps(self, data: Data) -> tuple[list[str], list[str]] | None:
        """For a flashcard with gaps (an Anki cloze note, one card per gap): the Markdown
        around the gaps (one more piece than gaps) and each gap's answer; None for a card
        with a front and a back."""
        return None

    # ---- demo data, export, statistics -----------------------------------------------------

    def sample(self, data: Data, presentation: Mapping[str, Any], right: bool, rng) -> Any:
        """A plausible stored response, right or wrong, for simulated students."""
        raise NotImplementedError

    # ---- Moodle (GIFT and Moodle XML files) ---------------------------------------------

    def claims(self, question: MoodleQuestion) -> bool:
        """Whether this type reads that Moodle question (the first type that claims it does)."""
        return question.qtype in self.moodle_types

    def from_moodle(self, question: MoodleQuestion) -> dict[str, Any] | None:
        """Its bank keys for a Moodle question, graded as Moodle grades it. What it would grade
        differently is a warning on the question; what it cannot read, an error (and None).
        The prompt, explanation, tags and points are read by the caller."""
        raise NotImplementedError

    def to_moodle(self, data: Data) -> MoodleQuestion:
        """The question as Moodle holds it (the caller adds the name, text, general feedback,
        mark and tags); bank keys Moodle has no room for go in its `lost`."""
        raise NotInMoodle(f"{self.label} questions have no Moodle form (GIFT or Moodle XML)")

    def picked(self, response: Any) -> list[str]:
        """The choices one response picked."""
        return []

    # What a part of a response is called in the responses table ("Blank", "Row", ...).
    part_label: ClassVar[str] = ""

    def response_parts(self, data: Data, response: Any) -> list[ResponsePart] | None:
        """The parts of one response the responses table counts: each option picked, each
        matching row, ordering position or blank (None: the type has no such table)."""
        return None

    def response_options(self, data: Data) -> list[ResponsePart]:
        """The parts the key defines, listed even when nobody gave them (each option; the
        right item of each row or position), in the order the question shows them."""
        return []

    def bank_edit(self, data: Data, part: str, text: str, accept: bool) -> BankEdit | None:
        """The bank change that accepts (or rejects) `text` for `part`; None if the type has
        no such change."""
        return None
