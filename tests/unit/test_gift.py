"""GIFT (Moodle) import and export: every construct, located errors, and the round trip."""

from __future__ import annotations

import pytest

from quizapp.banks.gift.reader import split_blocks
from quizapp.banks.gift.syntax import escape
from quizapp.banks.gift.writer import write_gift
from quizapp.banks.loader import load_paths, load_text
from tests.conftest import DATA, QUESTIONS, SAMPLE_BANKS

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
    assert tomb.body == {"choices": ["Grant", "Jefferson", "no one"], "answer": "no one"}
    assert tomb.explanation.startswith("Nobody is *buried*")  # #### general feedback
    assert "*Grant*: He is, with his wife." in tomb.explanation  # per-answer feedback kept
    assert tomb.tags == ["history"]


def test_weights_make_a_multiple_answer_question(sample):
    _, q, _ = sample
    colours = q["colours-primary"]  # id from the ::title:: with an escaped colon
    assert colours.prompt == "Which are **primary** colours (additive)?"  # [markdown] removed
    assert colours.body == {
        "choices": ["red", "blue", "purple"],
        "answers": ["red", "blue"],
        "fractions": {"red": 50, "blue": 50, "purple": -50},  # the author's penalty, kept
    }


def test_B9_mild_gift_penalties_are_kept_with_a_warning(sample):
    _, _, result = sample
    assert any("ticking every box scores 50%" in p.message for p in result.warnings)


def test_true_false_forms_and_their_feedback(sample):
    _, q, _ = sample
    sunrise = next(x for x in q.values() if x.type == "true_false" and x.body["answer"] is True)
    assert sunrise.id.startswith("q-")  # no title: a stable hash of the text
    assert sunrise.explanation.startswith("Yes, it does.")
    assert "*If you answered otherwise*: Look again." in sunrise.explanation
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
    assert q["line-breaks"].prompt == "First line\nsecond line:"  # \n is a line break


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


def test_weights_graded_differently_are_a_warning_not_a_silent_change():
    text = "::w::Pick.{~%70%a ~%30%b ~c}\n"
    result = load_text(text, "w.gift")
    (warning,) = [p for p in result.warnings if "graded quizapp's way" in p.message]
    assert warning.location.line == 1
    assert result.banks[0].questions[0].body["answers"] == ["a", "b"]


def test_partial_short_answers_are_reported():
    result = load_text("::s::Say it.{=yes =%50%maybe}\n", "s.gift")
    assert any("partial credit (50%)" in p.message for p in result.warnings)
    assert result.banks[0].questions[0].body == {"answers": ["yes"]}


@pytest.mark.parametrize("source", [SAMPLE_BANKS, QUESTIONS], ids=["sample", "shipped"])
def test_round_trip_gives_the_same_questions(source):
    original = load_paths([source])
    banks = [b.to_data() for b in original.banks]
    export = write_gift(banks)
    again = load_text(export.text, "round-trip.gift")
    assert again.errors == []
    before = {(b.id, q.id): q.to_data() for b in original.banks for q in b.questions}
    after = {(b.id, q.id): q.to_data() for b in again.banks for q in b.questions}
    lossy = {line.split(":")[0] for line in export.lossy}
    skipped = {line.split(":")[0] for line in export.skipped}
    assert {f"{b}/{q}" for b, q in before} == {f"{b}/{q}" for b, q in after} | skipped
    for key, data in after.items():
        if f"{key[0]}/{key[1]}" not in lossy:
            assert data == before[key], key
    assert [(b.id, b.title, b.order, b.summary) for b in again.banks] == [
        (b.id, b.title, b.order, b.summary) for b in original.banks
    ]
    assert all("ordering" in line or "blank" in line for line in export.skipped)
