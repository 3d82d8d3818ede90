"""GIFT blocks read as Moodle reads them: for each block, the marks Moodle gives to some
responses (worked out from Moodle's GIFT reader, qformat_gift::readquestion, its ordering
plugin, and its question types' grading: multichoice single = the picked answer's fraction,
multi = the ticked fractions summed within [0, 1], shortanswer/numerical = the first matching
answer's fraction, match = rows right / rows, ordering ABSOLUTE_POSITION = items in place /
items) and the marks quizapp gives. Where they differ, quizapp must say so in a located
warning; everywhere else they are the same."""

from __future__ import annotations

import pytest

from quizapp import qtypes
from quizapp.banks.gift.writer import write_gift
from quizapp.banks.loader import load_paths, load_text
from quizapp.banks.moodle_xml.writer import write_moodle_xml
from tests.conftest import QUESTIONS

SAME = object()
GENERIC = ("has no explanation", "bank has no summary", "leans on its choices")

# (GIFT block, quizapp type, [(response, Moodle's mark, quizapp's mark or SAME)], warning)
TABLE = [
    (  # issue 20: tilde-only weights are Moodle's fractions [1, 0, 0]
        "Which is prime? {~%100%2 ~4 ~6}",
        "multiple",
        [
            (["2", "4"], 1.0, SAME),
            (["4"], 0.0, SAME),
            (["2"], 1.0, SAME),
            (["2", "4", "6"], 1.0, SAME),
        ],
        "ticking every box scores 100%",
    ),
    (
        "Which are primary? {~%50%red ~%50%blue ~%-50%purple}",
        "multiple",
        [(["red", "blue"], 1.0, SAME), (["red", "purple"], 0.0, SAME), (["red"], 0.5, SAME)],
        "ticking every box scores 50%",
    ),
    (
        "Which are even? {~%50%2 ~%50%4 ~%-100%5}",  # Moodle's weights are quizapp's default
        "multiple",
        [(["2", "4"], 1.0, SAME), (["2", "4", "5"], 0.0, SAME), (["4"], 0.5, SAME)],
        None,
    ),
    (
        "Pick the big ones. {~%50%a ~%30%b ~c}",  # the right weights add up to 80%
        "multiple",
        [(["a", "b"], 0.8, 1.0), (["a"], 0.5, 0.5), (["a", "c"], 0.5, 0.0)],
        "add up to 80%",
    ),
    (
        "Who is buried in Grant's tomb? {=no one ~Grant ~%50%Julia Grant}",
        "single",
        [("no one", 1.0, SAME), ("Julia Grant", 0.5, SAME), ("Grant", 0.0, SAME)],
        None,
    ),
    (
        "Which one? {=a =b ~c}",
        "single",
        [("a", 1.0, SAME), ("b", 1.0, SAME), ("c", 0.0, SAME)],
        None,
    ),
    (
        "Pick one. {=a ~%-50%b ~c}",
        "single",
        [("a", 1.0, SAME), ("b", -0.5, 0.0), ("c", 0.0, SAME)],
        "scores 0, not -50%",
    ),
    (
        "Grant is {~buried =entombed ~living} in Grant's tomb.",  # missing word with choices
        "single",
        [("entombed", 1.0, SAME), ("buried", 0.0, SAME)],
        None,
    ),
    ("The sun rises in the east. {T}", "true_false", [(True, 1.0, SAME), (False, 0.0, SAME)], None),
    ("Two and two make five. {FALSE#No.#Yes.}", "true_false", [(False, 1.0, SAME)], None),
    (
        "Capital of France? {=Paris =%0%Lyon#Lyon is smaller.}",
        "short",
        [("Paris", 1.0, SAME), ("paris", 1.0, SAME), ("Lyon", 0.0, SAME)],
        None,
    ),
    ("Capital of France? {Paris}", "short", [("Paris", 1.0, SAME)], None),  # no = needed
    (
        "Capital of France? {=%50%Marseille =Paris}",
        "short",
        [("Paris", 1.0, SAME), ("Marseille", 0.5, 0.0)],
        "partial credit (50%)",
    ),
    (
        "Capital of Germany? {=Ber*}",  # Moodle's wildcard
        "short",
        [("Berlin", 1.0, SAME), ("Bonn", 0.0, SAME)],
        "becomes the pattern 'ber.*'",
    ),
    (
        "Water boils at {=100 =one hundred} degrees.",  # missing word: a one-blank cloze
        "cloze",
        [(["100"], 1.0, SAME), (["one hundred"], 1.0, SAME), (["90"], 0.0, SAME)],
        None,
    ),
    ("Pi to two places? {#3.14:0.01}", "numeric", [(3.15, 1.0, SAME), (3.12, 0.0, SAME)], None),
    (
        "A number from 1 to 5? {#1..5}",
        "numeric",
        [(1.0, 1.0, SAME), (5.0, 1.0, SAME), (5.5, 0.0, SAME)],
        None,
    ),
    (
        "Five? {#=5:0 =%50%5:2}",  # a second, partly right interval
        "numeric",
        [(5.0, 1.0, SAME), (6.0, 0.5, 0.0)],
        "only the first right answer is kept",
    ),
    (
        "Match the capitals. {=Canada -> Ottawa =Italy -> Rome = -> Madrid}",
        "matching",
        [
            ({"Canada": "Ottawa", "Italy": "Rome"}, 1.0, SAME),
            ({"Canada": "Madrid", "Italy": "Rome"}, 0.5, SAME),
        ],
        None,
    ),
    (
        "Order them. {>3 ALL VERTICAL ABSOLUTE_POSITION SHOW\nA\nB\nC\n}",
        "ordering",
        [(["A", "B", "C"], 1.0, SAME), (["B", "A", "C"], 1 / 3, SAME)],
        None,
    ),
    (
        "Order them. {>3 ALL VERTICAL ALL_OR_NOTHING SHOW\nA\nB\nC\n}",
        "ordering",
        [(["A", "B", "C"], 1.0, SAME), (["A", "C", "B"], 0.0, 1 / 3)],
        "Moodle grades this ordering by ALL_OR_NOTHING",
    ),
]


def grading_warnings(result) -> list[str]:
    return [p.message for p in result.warnings if not any(g in p.message for g in GENERIC)]


@pytest.mark.parametrize(
    ("block", "kind", "responses", "warning"), TABLE, ids=[r[0][:40] for r in TABLE]
)
def test_gift_block_is_graded_as_moodle_grades_it_or_warned(block, kind, responses, warning):
    result = load_text(f"\n\n{block}\n", "table.gift")
    assert result.errors == [], [str(p) for p in result.errors]
    (question,) = result.banks[0].questions
    assert question.type == kind
    data = question.to_data()
    for response, moodle, here in responses:
        expected = moodle if here is SAME else here
        assert qtypes.get(kind).grade(data, response).fraction == pytest.approx(expected), response
    differs = any(here is not SAME for _, _, here in responses)
    found = grading_warnings(result)
    if warning is None:
        assert found == [] and not differs
    else:
        assert any(warning in message for message in found), found
        assert all(p.location.line == 3 for p in result.warnings if warning in p.message)


def test_missing_word_with_choices_keeps_moodles_blank_in_the_text():
    result = load_text("Grant is {~buried =entombed ~living} in Grant's tomb.\n", "m.gift")
    assert result.banks[0].questions[0].prompt == "Grant is \\_\\_\\_\\_\\_ in Grant's tomb."


def test_per_answer_feedback_is_shown_for_the_answer_given():
    result = load_text(
        "::f::Capital? {=Paris#Right. =%0%Lyon#Lyon is smaller. =%0%*#Not a capital.}\n\n"
        "::t::Is it? {T#Look again.#Yes.}\n\n"
        "::n::Pi? {#3.14:0.01#Close enough. ~#Too far.}\n",
        "f.gift",
    )
    data = {q.id: q.to_data() for q in result.banks[0].questions}
    short, truth, number = qtypes.get("short"), qtypes.get("true_false"), qtypes.get("numeric")
    assert data["f"]["feedback"] == {
        "Paris": "Right.",
        "Lyon": "Lyon is smaller.",
        "*": "Not a capital.",
    }
    assert short.grade(data["f"], "Lyon").note == "Lyon is smaller."
    assert short.grade(data["f"], "Rome").note == "Not a capital."
    assert truth.grade(data["t"], False).note == "Look again."
    assert number.grade(data["n"], 9.0).note == "Too far."


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("How many? {#lots}", "'lots' is not a number"),  # Moodle would accept any answer
        ("Write an essay. {}", "an essay question needs a person to grade it"),
        ("Pick. {~=a}", "at least two answers"),
        ("Match. {=a -> 1}", "at least two pairs"),
    ],
)
def test_blocks_quizapp_cannot_grade_are_located_errors(block, message):
    result = load_text(f"\n{block}\n", "bad.gift")
    assert any(message in p.message and p.location.line == 2 for p in result.errors), [
        str(p) for p in result.problems
    ]


REFUSED = "Moodle refuses to import it: 35%, 65% are not among its grades"
GRADE_LIST = (
    " (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, "
    "14.28571, 12.5, 11.11111, 10, 5 or 0%, or minus one of them)"
)


def test_fractions_moodle_refuses_are_warned_at_reading_and_named_at_writing():
    """Moodle's importer accepts only its listed grades (100, 90, 83.33333, ... 5, 0 and their
    negatives): a question with another fraction is refused there, so quizapp says so, located
    at the block, and its exporters name the question when a bank's fractions are off the list."""
    result = load_text(
        "::ok::Pick. {~%33.33333%a ~%66.66667%b ~%-100%c}\n\n"
        "::off::Pick. {~%35%a ~%65%b ~%-100%c}\n",
        "grades.gift",
    )
    refused = [p for p in result.warnings if "Moodle refuses" in p.message]
    assert [(p.location.line, p.message) for p in refused] == [
        (3, f"{REFUSED}{GRADE_LIST}; quizapp reads it as written")
    ]
    # Read as written all the same: Moodle's fractions, graded as the file says.
    off = next(q for q in result.banks[0].questions if q.id == "off").to_data()
    assert off["fractions"] == {"a": 35, "b": 65, "c": -100}
    banks = [b.to_data() for b in result.banks]
    for writer in (write_gift, write_moodle_xml):
        export = writer(banks)
        assert export.refused == [("grades/off", REFUSED + GRADE_LIST)]
        assert f"exported, but {REFUSED}" in " ".join(export.messages())


def test_the_shipped_banks_hold_only_grades_moodle_accepts():
    export = write_moodle_xml([b.to_data() for b in load_paths([QUESTIONS]).banks])
    assert export.refused == []
