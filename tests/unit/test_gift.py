"""GIFT (Moodle) import and export: every construct, located errors, and the round trips
(banks -> GIFT -> banks on the sample and the ten shipped banks, GIFT -> quizapp -> GIFT)."""

from __future__ import annotations

import pytest

from quizapp import qtypes
from quizapp.banks.gift.reader import split_blocks
from quizapp.banks.gift.syntax import escape
from quizapp.banks.gift.writer import write_gift
from quizapp.banks.loader import load_paths, load_text
from tests.conftest import DATA, QUESTIONS, SAMPLE_BANKS
from tests.factories import assert_round_trip

GIFT = DATA / "gift"


@pytest.fixture(scope="module")
def sample():
    result = load_paths([GIFT / "every-construct.gift"])
    assert result.errors == [], [str(p) for p in result.errors]
    (bank,) = result.banks
    return bank, {q.id: q for q in bank.questions}, result


def test_category_and_bank_metadata(sample):
    bank, _, _ = sample
    assert (bank.id, bank.title, bank.order) == ("gift-sample", "GIFT Sample", 5)
    assert bank.summary == "A bank imported from **GIFT**."


def test_multiple_choice_with_feedback_title_id_and_tags(sample):
    _, q, _ = sample
    tomb = q["grant-tomb"]  # the id comes from the // [id:...] comment
    assert tomb.type == "single"
    assert tomb.body == {
        "choices": ["Grant", "Jefferson", "no one"],
        "answer": "no one",
        "feedback": {"Grant": "He is, with his wife."},  # per-answer feedback, kept as such
    }
    # No [format]: Moodle's own format, where asterisks are just asterisks.
    assert tomb.explanation == "Nobody is \\*buried\\*: they are entombed."
    assert tomb.tags == ["history"]


def test_weights_make_a_multiple_answer_question(sample):
    _, q, _ = sample
    colours = q["colours-primary"]  # id from the ::title:: with an escaped colon
    assert colours.prompt == "Which are **primary** colours (additive)?"  # [markdown] removed
    assert colours.body == {
        "choices": ["red", "blue", "purple"],
        "answers": ["red", "blue"],
        "fractions": {"red": 50, "blue": 50, "purple": -50},  # Moodle's fractions, kept
    }


def test_B9_mild_gift_penalties_are_kept_with_a_warning(sample):
    _, _, result = sample
    assert any("ticking every box scores 50%" in p.message for p in result.warnings)


def test_true_false_forms_and_their_feedback(sample):
    _, q, _ = sample
    sunrise = next(x for x in q.values() if x.type == "true_false" and x.body["answer"] is True)
    assert sunrise.id.startswith("q-")  # no title: a stable hash of the text
    # {T#if answered wrong#if answered right}
    assert sunrise.body["feedback"] == {"right": "Yes, it does.", "wrong": "Look again."}
    assert q["tf-false"].body == {"answer": False}


def test_short_numeric_matching(sample):
    _, q, _ = sample
    assert q["short"].body == {"answers": ["red", "green", "blue"]}
    assert q["numeric-tolerance"].body == {"answer": 3.14, "tolerance": 0.005}
    assert q["numeric-range"].body == {"range": [1, 5]}
    assert q["matching"].body == {
        "pairs": [["Canada", "Ottawa"], ["Italy", "Rome"], ["Japan", "Tokyo"]],
        "distractors": ["Madrid"],  # "= -> Madrid" is Moodle's extra wrong answer
    }


def test_missing_word_becomes_cloze_and_escapes_are_undone(sample):
    _, q, _ = sample
    missing = q["missing-word"]
    assert missing.type == "cloze"
    assert missing.body["text"] == (
        "The escaped braces {like these} stay and the = sign too: water boils at "
        "[[100|one hundred]] degrees: Celsius."
    )
    # \n is a line break; in Moodle's own format a line break shows, so it is a hard break.
    assert q["line-breaks"].prompt == "First line\\\nsecond line:"


def test_crlf_and_bom():
    result = load_paths([GIFT / "windows.gift"])
    assert result.errors == []
    (bank,) = result.banks
    assert bank.id == "windows"  # no $CATEGORY: the file name
    assert [q.id for q in bank.questions] == ["windows", "second"]
    assert bank.questions[1].line == 4


def test_malformed_questions_are_located():
    result = load_paths([GIFT / "malformed.gift"])
    found = {(p.location.line, p.message.split(":")[0]) for p in result.errors}
    messages = "\n".join(str(p) for p in result.errors)
    assert any(line == 2 and "unbalanced braces" in m for line, m in found), messages
    assert "malformed.gift:4:1: error: an essay question" in messages
    assert "malformed.gift:6:1: error: a short-answer" not in messages
    assert "malformed.gift:9:1: error: 'lots' is not a number" in messages
    assert "malformed.gift:11:1: error: each matching item is written =left -> right" in messages
    assert "malformed.gift:13:1: error: duplicate entry 'a' in choices" in messages


def test_blocks_split_on_blank_lines_only():
    blocks = split_blocks("// c\n::a::A{T}\n\n\n::b::B\n{F}\n")
    assert [(b.line, b.text) for b in blocks] == [(2, "::a::A{T}"), (5, "::b::B\n{F}")]


def test_escape():
    assert escape("a:b#c=d{e}f~g\\h\nnext") == "a\\:b\\#c\\=d\\{e\\}f\\~g\\\\h\\nnext"


def test_issue_20_tilde_only_weights_keep_moodles_fractions():
    """`{~%100%2 ~4 ~6}`: Moodle grades [1, 0, 0]; "2 and 4" scores 100% there and here."""
    result = load_text("::tilde-only 100::Which is prime? {~%100%2 ~4 ~6}\n", "t.gift")
    (question,) = result.banks[0].questions
    data = question.to_data()
    assert data["fractions"] == {"2": 100, "4": 0, "6": 0}
    grade = qtypes.get("multiple").grade
    assert grade(data, ["2", "4"]).fraction == 1.0
    assert grade(data, ["4"]).fraction == 0.0


def test_weights_quizapp_cannot_keep_are_a_located_warning():
    result = load_text("\n::w::Pick.{~%50%a ~%30%b ~c}\n", "w.gift")
    (warning,) = [p for p in result.warnings if "add up to 80%" in p.message]
    assert warning.location.line == 2
    assert "fractions" not in result.banks[0].questions[0].body


def test_partial_short_answers_are_reported():
    result = load_text("::s::Say it.{=yes =%50%maybe}\n", "s.gift")
    assert any("partial credit (50%)" in p.message for p in result.warnings)
    assert result.banks[0].questions[0].body == {"answers": ["yes"]}


def several_blanks(data: dict, why: str) -> bool:
    return data["type"] == "cloze" and data["text"].count("[[") > 1 and "several blanks" in why


@pytest.mark.parametrize("source", [SAMPLE_BANKS, QUESTIONS], ids=["sample", "shipped"])
def test_round_trip_gives_the_same_questions(source):
    original = load_paths([source])
    export = write_gift([b.to_data() for b in original.banks])
    again = load_text(export.text, "round-trip.gift")
    after = assert_round_trip(original, export, again, several_blanks)
    assert [(b.id, b.title, b.order, b.summary) for b in again.banks] == [
        (b.id, b.title, b.order, b.summary) for b in original.banks
    ]
    # Ordering questions travel in qtype_ordering's GIFT; only multi-blank clozes cannot.
    assert "ordering" in {data["type"] for data in after.values()}


def test_shipped_banks_lose_only_what_gift_cannot_hold():
    original = load_paths([QUESTIONS])
    export = write_gift([b.to_data() for b in original.banks])
    named = {name for _, names in export.lossy for name in names}
    assert {name.split(" ")[0] for name in named} <= {"card", "unit", "answer", "pattern", "8", "9"}
    assert len(export.skipped) == 31  # the clozes with several blanks, each named


def test_cloze_text_is_kept_exactly():
    """Issue 20: '...will boost [[productivity]].' came back with a space before the stop."""
    original = load_paths([QUESTIONS / "01-surge-of-chinese-llms.yaml"])
    export = write_gift([b.to_data() for b in original.banks])
    assert "AI will boost {=productivity####" in export.text
    assert "}." in export.text.split("AI will boost {=productivity", 1)[1].split("\n")[0]
    again = load_text(export.text, "cloze.gift")
    (cloze,) = [
        q for b in again.banks for q in b.questions if q.id == "enterprise-expectation-cloze"
    ]
    assert cloze.body["text"].endswith("AI will boost [[productivity]].")
    assert cloze.prompt == "Fill in the blank with one word."


def test_gift_to_quizapp_to_gift_keeps_meaning_and_text():
    """A GIFT file read, written and read again gives the same questions; writing the second
    reading gives the same text as writing the first (the written form is a fixed point)."""
    first = load_paths([GIFT / "every-construct.gift"])
    written = write_gift([b.to_data() for b in first.banks])
    second = load_text(written.text, "again.gift")
    assert second.errors == []
    assert [q.to_data() for b in second.banks for q in b.questions] == [
        q.to_data() for b in first.banks for q in b.questions
    ]
    assert write_gift([b.to_data() for b in second.banks]).text == written.text


MORE_KINDS = """\
::partial::[markdown]Who is buried in Grant's tomb?{=no one ~Grant#He is. ~%50%Julia Grant}

::tilde::[markdown]Which is prime?{~%100%2 ~4 ~6}

::reject::[markdown]Capital of France?{=Paris#Yes. =%0%Lyon#Smaller. =%0%*#No.}

::number::[markdown]Pi?{#3.14:0.01#Close. ~#Far.}

::truth::[markdown]Two and two make five.{FALSE#No.#Right.}

::order::[markdown]Order them.{>3 ALL VERTICAL ABSOLUTE_POSITION SHOW
A
B
C
}

::gap::[markdown]Water boils at {=100 =%0%90} degrees.
"""


def test_every_kind_of_gift_block_survives_quizapp_unchanged():
    first = load_text(MORE_KINDS, "kinds.gift")
    assert first.errors == []
    written = write_gift([b.to_data() for b in first.banks])
    assert written.lossy == [] and written.skipped == []
    second = load_text(written.text, "again.gift")
    assert [q.to_data() for b in second.banks for q in b.questions] == [
        q.to_data() for b in first.banks for q in b.questions
    ]
    assert write_gift([b.to_data() for b in second.banks]).text == written.text


def test_ordering_is_written_and_read_in_qtype_orderings_gift():
    text = (
        "::order::Put them in order.{>3 ALL VERTICAL ABSOLUTE_POSITION SHOW\n"
        "First\nSecond\nThird\n####Because.}\n"
    )
    result = load_text(text, "o.gift")
    (question,) = result.banks[0].questions
    assert question.body == {"items": ["First", "Second", "Third"]}
    assert question.explanation == "Because."
    assert not [p for p in result.warnings if "Moodle" in p.message]
    export = write_gift([b.to_data() for b in result.banks])
    assert "{>3 ALL VERTICAL ABSOLUTE_POSITION SHOW none\nFirst\nSecond\nThird\n####Because.}" in (
        export.text
    )


def test_orderings_moodle_grades_otherwise_are_warned():
    result = load_text("::o::Order.{>3\nA\nB\nC\nD\n}\n", "o.gift")
    messages = " ".join(p.message for p in result.warnings)
    assert "RELATIVE_NEXT_EXCLUDE_LAST" in messages  # qtype_ordering's default grading
    assert "Moodle shows 3 of the 4 items" in messages
    assert result.banks[0].questions[0].body == {"items": ["A", "B", "C", "D"]}


@pytest.mark.parametrize(
    ("block", "items", "shown"),
    [
        # Moodle core's qtype_ordering reads a numbering style after SHOW/HIDE...
        ("{>3 ALL VERTICAL ABSOLUTE_POSITION SHOW 123\nA\nB\nC\n}", ["A", "B", "C"], None),
        # ...even at the start of the next line, so that line is not an item there.
        ("{>3 ALL\nabc\nA\nB\nC\n}", ["A", "B", "C"], None),
        # Two items shown is enough for it (MIN_SUBSET_ITEMS); fewer means min(6, all).
        ("{>2 RANDOM VERTICAL ABSOLUTE_POSITION\nA\nB\nC\n}", ["A", "B", "C"], 2),
        ("{>1 RANDOM VERTICAL ABSOLUTE_POSITION\nA\nB\nC\n}", ["A", "B", "C"], None),
    ],
)
def test_ordering_settings_are_read_as_moodles_ordering_reads_them(block, items, shown):
    result = load_text(f"::o::Order.{block}\n", "o.gift")
    assert result.errors == []
    assert result.banks[0].questions[0].body == {"items": items}
    warned = [p.message for p in result.warnings if "Moodle shows" in p.message]
    assert warned == (
        [f"Moodle shows {shown} of the 3 items; quizapp shows them all"] if shown else []
    )
