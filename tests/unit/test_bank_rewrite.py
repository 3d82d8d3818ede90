"""Editing one question of a bank file as a text editor would (banks/rewrite.py): every edit
of every shipped question reads back as exactly the intended question with nothing else
changed, and touches only the lines it must."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.banks.edits import EditError
from quizapp.banks.loader import parse_file_text
from quizapp.banks.rewrite import rewrite_question
from tests.conftest import QUESTIONS, SAMPLE_BANKS


def load(text: str, path: str = "bank.yaml"):
    problems = []
    banks = parse_file_text(text, path, problems)
    assert not [p for p in problems if p.severity == "error"], problems
    return banks


def changed_lines(before: str, after: str) -> int:
    """Lines removed plus lines added (a line that only moved counts for neither)."""
    old, new = Counter(before.split("\n")), Counter(after.split("\n"))
    return sum((old - new).values()) + sum((new - old).values())


def edits_of(question) -> list[tuple[str, object, int]]:
    """(key, value, most lines the edit may touch) for one question's data."""
    data = question.to_data()
    edits = [("prompt", (data.get("prompt") or "Q") + " Really?", 2), ("points", 2, 1)]
    edits.append(("tags", ["extra-tag", *data.get("tags", [])], 2))
    if data.get("explanation"):
        words = data["explanation"].split(" ")
        words[len(words) // 2] = "CHANGED"
        # Removed: the key's line and its block's lines (the data cannot say how many).
        edits += [("explanation", " ".join(words), 2), ("explanation", None, 8)]
    if "choices" in data:
        edits += [("choices", [*data["choices"], "A new choice"], 2), ("shuffle", False, 1)]
    if "pairs" in data:
        edits.append(("pairs", [*data["pairs"], ["New left", "New right"]], 2))
    if "text" in data:
        edits.append(("text", data["text"].replace("[[", "Well, [[", 1), 2))
    return edits


def check_edit(text: str, path: str, bank, question, changes: dict, most: int) -> None:
    """The edit reads back as the question with `changes`, and changes at most `most` lines,
    all of them inside the question."""
    edited = rewrite_question(text, path, bank.id, question.id, changes)
    expected = question.to_data()
    for key, value in changes.items():
        expected.pop(key) if value is None else expected.__setitem__(key, value)
    expected.pop("points") if expected.get("points") == 1 else None
    (after,) = load(edited, path)
    mine = next(q for q in after.questions if q.id == question.id)
    assert mine.to_data() == expected, (question.id, changes)
    starts = sorted(q.line for q in bank.questions)
    first = question.line
    following = [line for line in starts if line > first]
    lines = text.split("\n")
    head, tail = first - 1, len(lines) - (following[0] - 1 if following else len(lines))
    assert edited.split("\n")[:head] == lines[:head]  # nothing before the question changes
    assert edited.split("\n")[len(edited.split("\n")) - tail :] == lines[len(lines) - tail :]
    assert changed_lines(text, edited) <= most, (question.id, changes)


def test_every_edit_of_every_sample_question_reads_back_exactly():
    path = SAMPLE_BANKS / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    (bank,) = load(text, str(path))
    for question in bank.questions:
        for key, value, most in edits_of(question):
            check_edit(text, str(path), bank, question, {key: value}, most)


@pytest.mark.parametrize("path", sorted(QUESTIONS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_questions_take_several_changes_at_once(path: Path):
    text = path.read_text(encoding="utf-8")
    (bank,) = load(text, str(path))
    for question in (bank.questions[0], bank.questions[-1]):
        changes = {key: value for key, value, _most in edits_of(question) if value is not None}
        check_edit(text, str(path), bank, question, changes, 2 * len(changes))


def test_several_keys_at_once_new_keys_in_order_crlf_kept():
    text = (SAMPLE_BANKS / "sample.yaml").read_text().replace("\n", "\r\n")
    changes = {"answer": "Venus", "shuffle": False, "explanation": None, "points": 3}
    edited = rewrite_question(text, "s.yaml", "sample-bank", "capital-single", changes)
    block = edited.split("  - id: capital-single\r\n")[1].split("  - id: even-multiple")[0]
    assert block == (
        "    type: single\r\n"
        "    prompt: Which planet is closest to the Sun?\r\n"
        "    choices: [Mercury, Venus, Earth, Mars]\r\n"
        "    answer: Venus\r\n"
        "    tags: [planets]\r\n"
        "    shuffle: false\r\n"
        "    points: 3\r\n"
    )
    assert edited.count("\r\n") == edited.count("\n")


def test_text_that_needs_quotes_gets_them_and_a_block_keeps_its_lines():
    text = (
        "bank: {id: b, title: B}\n"
        "questions:\n"
        "  - id: q\n"
        "    type: short\n"
        "    prompt: |\n"
        "      First line.\n"
        "      Second line.\n"
        "      Third line.\n"
        "    answers: ['It''s', plain]\n"
        "    explanation: >-\n"
        "      A folded explanation that runs over\n"
        "      three lines of the file before it\n"
        "      comes to an end.\n"
    )
    edited = rewrite_question(
        text,
        "b.yaml",
        "b",
        "q",
        {
            "prompt": "First line.\nSecond line, changed.\nThird line.\n",
            "answers": ["It's", "plain", "yes: no", "#hash"],
            "explanation": "A folded explanation that runs over three lines of the file "
            "before it comes to a stop.",
        },
    )
    assert edited == text.replace("Second line.", "Second line, changed.").replace(
        "['It''s', plain]", """['It''s', plain, "yes: no", "#hash"]"""
    ).replace("comes to an end.", "comes to a stop.")


def test_a_question_written_on_one_line_cannot_take_a_new_key():
    text = (
        "bank: {id: b, title: B}\n"
        "questions:\n"
        "  - {id: q, type: true_false, prompt: P, answer: true}\n"
    )
    with pytest.raises(EditError, match="one line"):
        rewrite_question(text, "b.yaml", "b", "q", {"explanation": "Why."})
    edited = rewrite_question(text, "b.yaml", "b", "q", {"answer": False})
    assert edited == text.replace("answer: true", "answer: false")


def test_a_value_that_does_not_load_is_written_for_the_loader_to_report():
    text = (SAMPLE_BANKS / "sample.yaml").read_text()
    edited = rewrite_question(text, "s.yaml", "sample-bank", "capital-single", {"answer": "Pluto"})
    problems = []
    parse_file_text(edited, "s.yaml", problems)
    assert any("'Pluto' is not one of the choices" in p.message for p in problems)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz,.'", min_size=1, max_size=12)
FOLDED = (
    "bank: {id: b, title: B}\n"
    "questions:\n"
    "  - id: q\n"
    "    type: true_false\n"
    "    prompt: Is it so?\n"
    "    answer: true\n"
    "    explanation: >-\n"
    "      The first line of a folded explanation, as the shipped banks write\n"
    "      them, goes on over several lines of the file; a reader sees one\n"
    "      paragraph, and an instructor who adds a word changes one line.\n"
    "    tags: [t]\n"
)


@settings(max_examples=60, deadline=None)
@given(position=st.integers(0, 60), word=WORD)
def test_a_word_typed_into_a_folded_explanation_changes_one_line(position, word):
    (bank,) = load(FOLDED)
    question = bank.questions[0]
    words = question.explanation.split(" ")
    words.insert(position % (len(words) + 1), word)
    check_edit(FOLDED, "b.yaml", bank, question, {"explanation": " ".join(words)}, 2)
