"""Moodle XML import and export: every type read from a file written as Moodle writes them,
HTML converted to Markdown, safe parsing with located errors, Moodle's cloze syntax, and the
round trips (banks -> XML -> banks on the sample and the ten shipped banks, XML -> XML)."""

from __future__ import annotations

import pytest

from quizapp import qtypes
from quizapp.banks.loader import load_paths, load_text
from quizapp.banks.moodle.textconv import html_to_markdown, html_to_plain, plain_to_markdown
from quizapp.banks.moodle_xml.cloze import read_cloze
from quizapp.banks.moodle_xml.writer import write_moodle_xml
from tests.conftest import DATA, QUESTIONS, SAMPLE_BANKS
from tests.factories import assert_round_trip

EVERY_TYPE = DATA / "moodle" / "every-type.xml"


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


@pytest.fixture(scope="module")
def sample():
    result = load_paths([EVERY_TYPE])
    assert result.errors == [], [str(p) for p in result.errors]
    (bank,) = result.banks
    return bank, {q.id: q.to_data() for q in bank.questions}, result


def test_the_category_is_the_bank(sample):
    bank, _, _ = sample
    # "//" is a slash inside a category name; the last name is the title.
    assert (bank.id, bank.title, bank.order) == ("planets-capitals", "Planets and Capitals", 4)
    assert bank.summary == "Questions about **planets** and capitals."  # from HTML


def test_multichoice_single_with_fractions_feedback_and_the_common_keys(sample):
    _, q, _ = sample
    assert q["closest-planet"] == {
        "id": "closest-planet",  # the idnumber
        "type": "single",
        "prompt": "Which planet is **closest** to the Sun?",  # HTML made Markdown
        "choices": ["Mercury", "Venus", "Earth"],
        "answer": "Mercury",
        "shuffle": False,
        "feedback": {"Mercury": "Yes.", "Venus": "Second closest."},
        "fractions": {"Mercury": 100, "Venus": 50, "Earth": 0},
        "explanation": "Mercury orbits closest.",
        "tags": ["planets", "solar-system"],
        "points": 2,  # the default grade
    }
    assert qtypes.get("single").grade(q["closest-planet"], "Venus").fraction == 0.5


def test_multichoice_multiple_truefalse_shortanswer(sample):
    _, q, _ = sample
    assert q["gas-giants"]["answers"] == ["Jupiter", "Saturn"]
    assert "fractions" not in q["gas-giants"]  # 50/50/-100 is quizapp's own rule
    assert q["pluto"]["answer"] is False
    assert q["pluto"]["feedback"] == {
        "right": "Right: a dwarf planet.",
        "wrong": "It was, until 2006.",
    }
    assert q["pluto"]["prompt"] == "Pluto is a *planet*."  # markdown kept as it is
    short = q["capital-of-france"]
    assert (short["answers"], short["reject"]) == (["Paris"], ["Lyon"])  # a 0% answer is wrong
    assert short["feedback"]["*"] == "Not a French city."


def test_numerical_with_tolerance_and_units(sample):
    _, q, result = sample
    assert {k: q["moon-distance"][k] for k in ("answer", "tolerance", "unit")} == {
        "answer": 384400,
        "tolerance": 1000,
        "unit": "km",
    }
    (warning,) = [p for p in result.warnings if "'m' (x 1000)" in p.message]
    assert warning.location.line == 85  # the question's line in the file
    assert q["planets"]["answer"] == 8


def test_matching_distractors_ordering_and_cloze(sample):
    _, q, _ = sample
    assert q["capitals"]["pairs"] == [["Canada", "Ottawa"], ["Italy", "Rome"]]
    assert q["capitals"]["distractors"] == ["Madrid"]  # a subquestion without text
    assert q["planet-order"]["items"] == ["Mercury", "Venus", "Earth"]
    cloze = q["huawei"]
    assert cloze["prompt"] == "Fill in the blanks."  # the paragraph before the first blank
    assert cloze["text"] == "In [[July]], Huawei launched [[Pangu 3.0|Pangu 3]]."
    assert cloze["reject"] == ["June"]


def test_what_quizapp_has_no_room_for_is_warned(sample):
    _, _, result = sample
    messages = {(p.location.line, p.message) for p in result.warnings}
    assert (142, "the feedback of blank 1's answers is not kept") in messages
    assert (142, "the wrong answers of each blank are wrong for every blank here") in messages


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">]>\n<quiz>&a;</quiz>', "a DOCTYPE", 1),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz/>',
            "a DOCTYPE",
            2,
        ),
        ("<quiz>\n<question type='truefalse'>\n</quiz>", "XML: mismatched tag", 3),
        ("<quiz>&secret;</quiz>", "XML: undefined entity", 1),
        ("<questions/>", "a Moodle XML file holds <quiz>, not <questions>", 1),
    ],
    ids=["entity", "external", "malformed", "undefined", "root"],
)
def test_unsafe_or_malformed_xml_is_a_located_error_and_nothing_is_read(text, message, line):
    result = load_text(text, "upload/bad.xml")
    assert result.banks == []
    (error,) = result.errors
    assert message in error.message and error.location.line == line


@pytest.mark.parametrize(
    ("question", "severity", "message"),
    [
        (
            '<question type="essay"><name><text>E</text></name></question>',
            "error",
            "needs a person",
        ),
        (
            '<question type="calculated"><name><text>C</text></name></question>',
            "error",
            "'calculated'",
        ),
        (
            '<question type="description"><name><text>D</text></name></question>',
            "warning",
            "skipped",
        ),
        (
            '<question type="cloze"><questiontext><text>No blanks</text></questiontext></question>',
            "error",
            "at least one blank",
        ),
        (
            '<question type="shortanswer"><questiontext><text>Say it</text></questiontext>'
            '<answer fraction="100"><text>yes</text></answer>'
            '<answer fraction="-35"><text>no</text></answer></question>',
            "warning",
            "Moodle refuses to import it: -35% is not one of its grades",
        ),
    ],
)
def test_questions_quizapp_cannot_grade_are_located(question, severity, message):
    result = load_text(quiz(question), "q.xml")
    found = [p for p in result.problems if p.severity == severity and message in p.message]
    assert found and found[0].location.line == 3, [str(p) for p in result.problems]


def test_hints_combined_feedback_and_files_are_warned():
    question = (
        '<question type="truefalse"><name><text>h</text></name>'
        "<questiontext><text>Is it?</text><file name='a.png'>AAAA</file></questiontext>"
        "<correctfeedback><text>Well done</text></correctfeedback><hint><text>Think</text></hint>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text>'
        "</answer></question>"
    )
    messages = " ".join(p.message for p in load_text(quiz(question), "h.xml").warnings)
    assert "not kept, as quizapp has no room for it: the feedback for any correct" in messages
    assert "room for it: hints" in messages and "room for it: attached files" in messages


def test_moodles_cloze_syntax():
    text, blanks = read_cloze(
        "A {2:SHORTANSWER:=x\\}y#a \\# sign~%0%z} and {1:NM:=7:0.5} and {1:MCV:=a~b} {1:SA:=open"
    )
    assert text == "A {#1} and {#2} and {#3} {1:SA:=open"  # an unclosed one stays text
    shortanswer, numerical, menu = blanks
    assert [(a.text.value, a.fraction, a.feedback.value) for a in shortanswer.answers] == [
        ("x}y", 1.0, "a # sign"),
        ("z", 0.0, ""),
    ]
    assert shortanswer.mark == 2.0
    assert (numerical.answers[0].text.value, numerical.answers[0].tolerance) == ("7", 0.5)
    assert menu.qtype == "multichoice" and len(menu.answers) == 2


def test_cloze_blanks_quizapp_types_differently_are_warned():
    question = (
        '<question type="cloze"><name><text>c</text></name><questiontext format="html"><text>'
        "<![CDATA[pH {1:NUMERICAL:=7:0.5} in {2:MULTICHOICE:=soil~moon dust}]]></text>"
        "</questiontext></question>"
    )
    result = load_text(quiz(question), "c.xml")
    messages = " ".join(p.message for p in result.warnings)
    assert "blank 1 is a numerical blank in Moodle" in messages
    assert "blank 2 is a menu of choices in Moodle" in messages
    assert "Moodle weighs these blanks differently" in messages
    assert result.banks[0].questions[0].body["text"] == "pH [[7]] in [[soil]]"


def test_html_becomes_markdown_and_plain_text_stays_as_written():
    markdown, dropped = html_to_markdown(
        '<p>A <b>bold</b> <i>move</i>: 2*3 &amp; <a href="https://x.org/a b">link</a><br>next</p>'
        '<ul><li>one</li><li>two</li></ul><p><img src="a.png" alt="flag"></p><script>x()</script>'
    )
    assert markdown == (
        "A **bold** *move*: 2\\*3 & [link](https://x.org/a%20b)\\\nnext\n\n- one\n- two\n\n[flag]"
    )
    assert dropped == {"images"}
    assert html_to_plain("<p>Ottawa &amp; <b>Rome</b></p>") == "Ottawa & Rome"
    assert (
        plain_to_markdown("# not a heading\n1. not a list")
        == "\\# not a heading\\\n1\\. not a list"
    )


def several_blanks(data: dict, why: str) -> bool:  # Moodle XML writes every question
    return False


@pytest.mark.parametrize("source", [SAMPLE_BANKS, QUESTIONS], ids=["sample", "shipped"])
def test_round_trip_gives_the_same_questions(source):
    original = load_paths([source])
    export = write_moodle_xml([b.to_data() for b in original.banks])
    again = load_text(export.text, "round-trip.xml")
    after = assert_round_trip(original, export, again, several_blanks)
    assert {data["type"] for data in after.values()} == set(qtypes.type_names())
    # Bank headers travel too (summaries lose only their trailing line break).
    assert [(b.id, b.title, b.order, b.summary.rstrip()) for b in again.banks] == [
        (b.id, b.title, b.order, b.summary.rstrip()) for b in original.banks
    ]


def test_shipped_banks_lose_only_what_moodle_xml_cannot_hold():
    original = load_paths([QUESTIONS])
    export = write_moodle_xml([b.to_data() for b in original.banks])
    assert export.skipped == []
    named = {name.split(" ")[0] for _, names in export.lossy for name in names}
    # card: quizapp's flashcards; pattern: RE2 has no Moodle form; answer/range: the one
    # question whose range also names an answer; 8/9: each bank's extra cards.
    assert named == {"card", "pattern", "answer", "range", "8", "9"}


def test_xml_to_quizapp_to_xml_is_a_fixed_point():
    first = load_paths([EVERY_TYPE])
    written = write_moodle_xml([b.to_data() for b in first.banks])
    second = load_text(written.text, "again.xml")
    assert second.errors == []
    assert [q.to_data() for b in second.banks for q in b.questions] == [
        q.to_data() for b in first.banks for q in b.questions
    ]
    assert write_moodle_xml([b.to_data() for b in second.banks]).text == written.text


def test_written_xml_is_what_moodle_reads():
    """The parts Moodle's importer looks for, as it names them."""
    original = load_paths([SAMPLE_BANKS])
    text = write_moodle_xml([b.to_data() for b in original.banks]).text
    assert '<question type="category">' in text and "<text>$course$/top/Sample Bank</text>" in text
    assert '<question type="matching">' in text and '<question type="cloze">' in text
    assert "<single>false</single>" in text  # the multiple-answer question
    assert "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in text
    assert "{1:SHORTANSWER:" in text  # the cloze's blanks in Moodle's syntax
    assert '<subquestion format="plain_text">\n      <text></text>' in text  # a distractor
