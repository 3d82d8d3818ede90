"""The pure parts of the instructor tools (issue 20): the question form's field kinds, each
type's parts for the responses table, file names shown relative to the questions folder,
prompt excerpts and the histogram chart."""

from __future__ import annotations

import random

import pytest

from quizapp import qtypes
from quizapp.banks.files import SourceLine, shown_name
from quizapp.charts import histogram
from quizapp.markdown import plain_excerpt
from quizapp.qtypes.editing import COMMON_EDITABLE, KINDS, Editable, FieldError, yes_no
from tests.factories import sample_bank

SAMPLE = {question.id: question.to_data() for question in sample_bank().questions}


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        (Editable("c", "C", "lines"), " Mercury \r\n\r\nVenus\n", ["Mercury", "Venus"]),
        (
            Editable("p", "P", "pairs"),
            "France -> Paris\nItaly->Rome",
            [["France", "Paris"], ["Italy", "Rome"]],
        ),
        (Editable("n", "N", "number"), "1,000", 1000),
        (Editable("n", "N", "number"), " 2.5 ", 2.5),
        (Editable("n", "N", "number"), "3.14159265", 3.14159265),  # never rounded
        (Editable("n", "N", "number", default=1), "1", None),  # the default: left out
        (Editable("r", "R", "range"), "10 to 20", [10, 20]),
        (Editable("t", "T", "tags"), "a, b  c", ["a", "b", "c"]),
        (Editable("m", "M", "markdown"), "One\r\nTwo\r\n\r\n", "One\nTwo"),
        (yes_no("s", "S", True), "false", False),
        (yes_no("s", "S", True), "true", None),
        (yes_no("a", "A", None, words=("True", "False")), "true", True),
        (Editable("t", "T", "text"), "   ", None),
    ],
)
def test_field_kinds_read_what_the_form_posts(field, text, value):
    assert field.from_text(text) == value
    if value is not None:
        assert field.from_text(field.to_text(value)) == value  # shown, then posted again


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (Editable("n", "N", "number"), "a few", "is not a number"),
        (Editable("p", "P", "pairs"), "France Paris", "left and a right side"),
        (Editable("r", "R", "range"), "10", "lowest and the highest"),
        (yes_no("s", "S", True), "maybe", "choose one of"),
    ],
)
def test_field_kinds_refuse_what_cannot_be_a_value(field, text, message):
    with pytest.raises(FieldError, match=message):
        field.from_text(text)


def test_every_type_declares_fields_of_its_own_keys_and_known_kinds():
    for qtype in qtypes.TYPES.values():
        for item in COMMON_EDITABLE + tuple(qtype.editable):
            assert item.kind in KINDS
        assert {item.key for item in qtype.editable} <= set(qtype.keys), qtype.key


def test_every_sample_question_shows_its_values_in_the_form_and_reads_them_back():
    for data in SAMPLE.values():
        for item in COMMON_EDITABLE + tuple(qtypes.get(data["type"]).editable):
            shown = item.to_text(data.get(item.key))
            again = item.from_text(shown)
            expected = data.get(item.key)
            assert (again if again is not None else item.default) == (
                expected if expected is not None else item.default
            ) or (isinstance(expected, str) and again == expected.strip()), (data["id"], item.key)


@pytest.mark.parametrize("data", SAMPLE.values(), ids=list(SAMPLE))
def test_response_parts_credit_and_options_agree_with_grading(data):
    qtype = qtypes.get(data["type"])
    presentation = qtype.present(data, random.Random(1))
    for right in (True, False):
        response = qtype.sample(data, presentation, right, random.Random(2))
        parts = qtype.response_parts(data, response)
        assert parts, data["id"]
        grade = qtype.grade(data, response)
        marks = {mark.part: mark.right for mark in grade.parts}
        for part in parts:
            if part.credit is not None and part.part:  # a row or position: its own mark
                assert (part.credit > 0) == marks[part.part]
    options = qtype.response_options(data)
    if options:  # a right answer gives every option the key gives credit
        whole = qtype.sample(data, presentation, True, random.Random(3))
        given = {(p.part, p.normalised) for p in qtype.response_parts(data, whole)}
        assert {(o.part, o.normalised) for o in options if o.credit > 0} <= given


def test_multiple_answer_credit_is_each_choices_fraction():
    data = SAMPLE["even-multiple"]
    parts = qtypes.get("multiple").response_options(data)
    assert {p.raw: p.credit for p in parts} == {"2": 0.5, "3": -0.5, "4": 0.5, "5": -0.5}


@pytest.mark.parametrize(
    ("path", "folder", "shown"),
    [
        ("/srv/app/questions/01-x.yaml", "/srv/app/questions", "01-x.yaml"),
        ("/srv/app/questions/more/02-y.yaml", "/srv/app/questions/", "more/02-y.yaml"),
        ("/elsewhere/03-z.yaml", "/srv/app/questions", "03-z.yaml"),
        ("upload/sample.yaml", "/srv/app/questions", "upload/sample.yaml"),
        ("/srv/app/questions/01-x.yaml", None, "01-x.yaml"),
        (None, "/srv", ""),
    ],
)
def test_files_are_named_relative_to_the_questions_folder(path, folder, shown):
    assert shown_name(path, folder) == shown


def test_a_source_line_never_prints_directories():
    where = SourceLine("/srv/app/questions/01-x.yaml", 166)
    assert where.shown("/srv/app/questions") == "01-x.yaml, line 166"
    assert str(where) == "01-x.yaml, line 166"


def test_prompt_excerpts_are_plain_text_cut_near_sixty_characters():
    assert plain_excerpt("Who wrote *Hamlet*?") == "Who wrote Hamlet?"
    long = "Which **company** launched Pangu 3.0 in July, with an emphasis on cloud solutions?"
    cut = plain_excerpt(long)
    assert cut.endswith("…") and len(cut) <= 61 and "**" not in cut
    assert plain_excerpt(None) == ""


def test_the_histogram_has_a_title_a_description_and_one_bar_per_range():
    svg = histogram("h", "Students by average", [1, 0, 3], ["0–9%", "10–19%", "20–29%"], "Four.")
    assert '<title id="h-title">Students by average</title>' in svg
    assert '<desc id="h-desc">Four.</desc>' in svg and 'role="img"' in svg
    assert svg.count("<rect ") == 3 and "<title>20–29%: 3</title>" in svg
    assert "<script" not in svg and "style=" not in svg
