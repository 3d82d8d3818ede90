"""Moodle XML files, read the way Moodle's XML importer (qformat_xml) reads them.

Each `<question type="...">` becomes a MoodleQuestion with what Moodle would store: its texts
in their formats, answers with their fractions and feedback, numerical tolerances and units,
matching subquestions, ordering settings, cloze blanks; categories become banks. What Moodle
keeps that quizapp has no room for (combined feedback, hints, files) is warned about, located
at the question's line. The question types turn the rest into bank data (banks/moodle/banks.py).
"""

from __future__ import annotations

from ..document import BankFile, Location, Problem
from ..moodle.banks import BankBuilder, Category
from ..moodle.model import NO_TEXT, Answer, MoodleQuestion, Text, ordering_options
from .cloze import read_cloze
from .xmltree import Element, XmlError, parse_xml

FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
           "markdown": "markdown", "wiki_like": "plain"}  # fmt: skip
COMBINED = {
    "correctfeedback": "the feedback for any correct response",
    "partiallycorrectfeedback": "the feedback for any partially correct response",
    "incorrectfeedback": "the feedback for any incorrect response",
}


def text_in(element: Element | None, default_format: str = "html") -> Text:
    """A `<... format="..."><text>...</text></...>` element as Text (Moodle's
    import_text_with_files; an unknown format is read as HTML, as Moodle does)."""
    if element is None:
        return NO_TEXT
    name = element.attrs.get("format", default_format)
    return Text(element.value("text"), FORMATS.get(name.strip(), "html"))


def single_flag(value: str) -> bool:
    """Moodle's trans_single: "false", "0" or nothing is false."""
    return value.strip() not in ("false", "0", "")


def number(value: str, default: float) -> float:
    try:
        return float(value)
    except ValueError:
        return default


class XmlQuestions:
    """Reads each question element into a MoodleQuestion, by Moodle question type."""

    def __init__(self, builder: BankBuilder):
        self.builder = builder

    def question(self, element: Element, qtype: str) -> MoodleQuestion | None:
        text = text_in(element.child("questiontext"))
        question = MoodleQuestion(
            qtype,
            text=text,
            name=element.text_of("name") or "",
            idnumber=element.value("idnumber"),
            general=text_in(element.child("generalfeedback"), self._format_name(text)),
            mark=number(element.value("defaultgrade"), 1.0)
            if element.child("defaultgrade")
            else None,
            line=element.line,
        )
        question.report = lambda severity, message: self.builder.problem(
            element.line, severity, message
        )
        tags = element.child("tags")
        question.tags = [t.value("text") for t in tags.all("tag")] if tags is not None else []
        question.unkept += [what for tag, what in COMBINED.items() if element.text_of(tag)]
        if element.all("hint"):
            question.unkept.append("hints")
        if any(child.all("file") for child in element.children) or element.child("image_base64"):
            question.unkept.append("attached files (images)")
        reader = getattr(self, "_" + qtype, None)
        if reader is not None and reader(question, element) is False:
            return None
        return question

    @staticmethod
    def _format_name(text: Text) -> str:
        return {v: k for k, v in FORMATS.items() if k != "wiki_like"}[text.format]

    def _answers(self, question: MoodleQuestion, element: Element, rich: bool) -> list[Answer]:
        """Moodle's import_answer: the text (rich: in its format, else plain), the fraction
        (percent in the attribute) and the feedback."""
        default = self._format_name(question.text)
        found = []
        for answer in element.all("answer"):
            value = answer.value("text")
            text = (
                Text(value, FORMATS.get(answer.attrs.get("format", default), "html"))
                if rich
                else Text(value, "plain")
            )
            fraction = number(answer.attrs.get("fraction", "0"), 0.0) / 100
            tolerance = (
                number(answer.value("tolerance"), 0.0) if answer.child("tolerance") else None
            )
            found.append(
                Answer(text, fraction, text_in(answer.child("feedback"), default), tolerance)
            )
        return found

    def _multichoice(self, question: MoodleQuestion, element: Element) -> None:
        question.single = single_flag(element.value("single", "true"))
        question.shuffle = single_flag(element.value("shuffleanswers", "false"))
        question.answers = self._answers(question, element, rich=True)

    def _truefalse(self, question: MoodleQuestion, element: Element) -> None:
        question.answers = self._answers(question, element, rich=False)

    def _shortanswer(self, question: MoodleQuestion, element: Element) -> None:
        question.usecase = element.value("usecase", "0") not in ("0", "")
        question.answers = self._answers(question, element, rich=False)

    def _numerical(self, question: MoodleQuestion, element: Element) -> None:
        question.answers = self._answers(question, element, rich=False)
        units = element.child("units")
        for unit in units.all("unit") if units is not None else []:
            question.units.append((unit.value("unit_name"), number(unit.value("multiplier"), 1.0)))
        question.unit_graded = element.value("unitgradingtype", "0") not in ("0", "")
        if element.text_of("instructions"):
            question.unkept.append("the unit instructions")

    def _matching(self, question: MoodleQuestion, element: Element) -> None:
        question.qtype = "match"
        question.shuffle = single_flag(element.value("shuffleanswers", "1"))
        default = self._format_name(question.text)
        for stem in element.all("subquestion"):
            right = stem.child("answer")
            question.subquestions.append(
                (text_in(stem, default), right.value("text") if right is not None else "")
            )

    _match = _matching

    def _ordering(self, question: MoodleQuestion, element: Element) -> None:
        old = element.child("selecttype") is None  # ordering's old names for two settings
        question.options = ordering_options(
            element.value("logical" if old else "selecttype", "RANDOM"),
            element.value("studentsee" if old else "selectcount", "6"),
            element.value("gradingtype", "RELATIVE"),
        )
        question.answers = self._answers(question, element, rich=True)

    def _cloze(self, question: MoodleQuestion, element: Element) -> bool:
        question.qtype = "multianswer"
        text, question.blanks = read_cloze(question.text.value)
        question.text = Text(text, question.text.format)
        if not question.blanks:
            question.error(
                "a cloze question needs at least one blank, like {1:SHORTANSWER:=answer}"
            )
        return bool(question.blanks)

    _multianswer = _cloze


def read_category(element: Element) -> Category:
    order = ""
    for comment in element.comments:
        if "[order:" in comment:
            order = comment.split("[order:", 1)[1].split("]", 1)[0].strip()
    info = element.child("info")
    summary = None
    if info is not None and info.value("text"):
        summary, _ = text_in(info).markdown()
    return Category(
        element.text_of("category") or "", element.line, element.value("idnumber"), order, summary
    )


def read_moodle_xml(text: str, path: str, problems: list[Problem], parse_bank) -> list[BankFile]:
    """Parse Moodle XML text and validate each bank with `parse_bank` (the YAML rules)."""
    try:
        root = parse_xml(text)
    except XmlError as exc:
        problems.append(
            Problem(Location(path, exc.line, exc.column), "error", f"XML: {exc.message}")
        )
        return []
    builder = BankBuilder(path, problems)
    if root.tag != "quiz":
        builder.problem(root.line, "error", f"a Moodle XML file holds <quiz>, not <{root.tag}>")
        return []
    reader = XmlQuestions(builder)
    for element in root.all("question"):
        qtype = element.attrs.get("type", "").strip()
        if qtype == "category":
            builder.category(read_category(element))
            continue
        question = reader.question(element, qtype)
        if question is not None:
            builder.question(question)
    return builder.finish(parse_bank)
