"""Every validation rule of format v1: a bad snippet, the line it is reported at, the message."""

from __future__ import annotations

import textwrap

import pytest

from quizapp.banks.loader import load_paths, load_text

HEADER = """\
bank:
  id: demo
  title: Demo
  order: 1
  summary: A demo bank.
questions:
"""
# Questions in the table start at line 7 (after the six header lines).


def bank_with(questions: str, cards: str = "") -> str:
    text = HEADER + textwrap.indent(textwrap.dedent(questions), "  ")
    if cards:
        text += "cards:\n" + textwrap.indent(textwrap.dedent(cards), "  ")
    return text


def single(extra: str = "", **fields) -> str:
    base = {
        "id": "q1",
        "type": "single",
        "prompt": "Pick one",
        "choices": "[A, B, C]",
        "answer": "A",
        "explanation": "Because.",
    }
    base.update(fields)
    lines = [f"{key}: {value}" for key, value in base.items() if value is not None]
    return "- " + "\n  ".join(lines) + ("\n  " + extra if extra else "") + "\n"


CASES = [
    # (name, text, expected line, expected column or None, message fragment, severity)
    ("yaml syntax", HEADER + "  - id: q1\n    type: [single\n", 9, None, "YAML syntax", "error"),
    (
        "duplicate key",
        bank_with(single(extra="answer: B")),
        13,
        5,
        "duplicate key 'answer'",
        "error",
    ),
    (
        "unknown key with hint",
        bank_with(single(extra="explantion: x")),
        13,
        5,
        "unknown key 'explantion' in a question (did you mean 'explanation'?)",
        "error",
    ),
    (
        "key of another type",
        bank_with(single(extra="items: [a, b]")),
        13,
        5,
        "'items' is not used by single questions",
        "error",
    ),
    (
        "missing prompt",
        bank_with(single(prompt=None)),
        7,
        5,
        "question 'q1' is missing 'prompt'",
        "error",
    ),
    ("missing type", bank_with(single(type=None)), 7, 5, "question is missing 'type'", "error"),
    (
        "unknown type",
        bank_with(single(type="singel")),
        8,
        11,
        "unknown question type 'singel' (did you mean 'single'?)",
        "error",
    ),
    (
        "id not a slug",
        bank_with(single(id="Q_1")),
        7,
        9,
        "question id 'Q_1' is not a slug",
        "error",
    ),
    (
        "answer not a choice",
        bank_with(single(answer="D")),
        11,
        13,
        "answer 'D' is not one of the choices",
        "error",
    ),
    ("answer differs in case", bank_with(single(answer="a")), 11, 13, "did you mean 'A'?", "error"),
    (
        "duplicate choices",
        bank_with(single(choices="[A, B, A]")),
        10,
        21,
        "duplicate entry 'A' in choices",
        "error",
    ),
    ("empty choices", bank_with(single(choices="[]")), 10, 14, "choices is empty", "error"),
    ("one choice", bank_with(single(choices="[A]")), 10, 14, "at least 2 entries", "error"),
    (
        "choice split at comma",
        bank_with(single(choices="[Over 250, Over 1,000]", answer="Over 250")),
        10,
        25,
        "'Over 1,000' was split at the comma",
        "error",
    ),
    (
        "missing explanation",
        bank_with(single(explanation=None)),
        7,
        5,
        "has no explanation",
        "warning",
    ),
    (
        "prompt leans on choices",
        bank_with(single(prompt="Which of these is right?")),
        9,
        13,
        "leans on its choices",
        "warning",
    ),
    (
        "boolean as text",
        bank_with(single(choices="[yes, no]", answer="yes")),
        10,
        15,
        "must be text, not a boolean (put it in quotes",
        "error",
    ),
    (
        "negative points",
        bank_with(single(points="-1")),
        13,
        13,
        "points must be more than 0",
        "error",
    ),
    ("bad card", bank_with(single(card="{front: x}")), 13, 11, "card is missing 'back'", "error"),
    (
        "multiple: answer outside choices",
        bank_with(
            "- id: m\n  type: multiple\n  prompt: p\n  choices: [A, B]\n  answers: [A, C]\n"
            "  explanation: e\n"
        ),
        11,
        18,
        "answer 'C' is not one of the choices",
        "error",
    ),
    (
        "multiple: empty answers",
        bank_with(
            "- id: m\n  type: multiple\n  prompt: p\n  choices: [A, B]\n  answers: []\n"
            "  explanation: e\n"
        ),
        11,
        14,
        "answers is empty",
        "error",
    ),
    (
        "true_false: text answer",
        bank_with("- id: t\n  type: true_false\n  prompt: p\n  answer: 'true'\n  explanation: e\n"),
        10,
        13,
        "answer must be true or false",
        "error",
    ),
    (
        "B7 short: a backreference cannot run in linear time",
        bank_with(
            "- id: s\n  type: short\n  prompt: p\n  answers: [x]\n  pattern: '(\\w+) \\1'\n"
            "  explanation: e\n"
        ),
        11,
        14,
        "pattern cannot be matched in linear time",
        "error",
    ),
    (
        "short: a reject that is also an answer",
        bank_with(
            "- id: s\n  type: short\n  prompt: p\n  answers: [Ascend 910B]\n"
            "  reject: [ascend-910b]\n  explanation: e\n"
        ),
        11,
        14,
        "is both an accepted answer and in reject",
        "error",
    ),
    (
        "B9 multiple: fractions that let guessing pay",
        bank_with(
            "- id: m\n  type: multiple\n  prompt: p\n  choices: [a, b, c]\n  answers: [a, b]\n"
            "  fractions: {a: 50, b: 50, c: 0}\n  explanation: e\n"
        ),
        12,
        16,
        "ticking every box scores 100%",
        "warning",
    ),
    (
        "multiple: fractions must give every choice",
        bank_with(
            "- id: m\n  type: multiple\n  prompt: p\n  choices: [a, b, c]\n  answers: [a, b]\n"
            "  fractions: {a: 50, b: 50}\n  explanation: e\n"
        ),
        12,
        16,
        "fractions does not give 'c'",
        "error",
    ),
    (
        "single: the answer's fraction is 100",
        bank_with(single(extra="fractions: {A: 50, B: 100, C: 0}")),
        13,
        16,
        "the fraction of the answer 'A' must be 100",
        "error",
    ),
    (
        "single: a penalty never takes a mark below 0 here",
        bank_with(single(extra="fractions: {A: 100, B: -50, C: 0}")),
        13,
        16,
        "picking 'B' scores 0, not -50%",
        "warning",
    ),
    (
        "feedback names an answer the question has",
        bank_with(single(extra="feedback: {D: Not a choice.}")),
        13,
        16,
        "feedback names 'D', which is not a choice",
        "error",
    ),
    (
        "true/false feedback is for right or wrong",
        bank_with(
            "- id: t\n  type: true_false\n  prompt: p\n  answer: true\n"
            "  feedback: {true: Yes.}\n  explanation: e\n"
        ),
        11,
        16,
        "each answer in feedback must be text, not a boolean",
        "error",
    ),
    (
        "short feedback is for an answer, a reject entry or *",
        bank_with(
            "- id: s\n  type: short\n  prompt: p\n  answers: [Paris]\n  reject: [Lyon]\n"
            "  feedback: {Paris: Yes., Lyon: No., '*': Never heard of it., Rome: Far.}\n"
            "  explanation: e\n"
        ),
        12,
        65,
        "feedback names 'Rome', which is not an accepted answer, a reject entry or '*'",
        "error",
    ),
    (
        "numeric: display is plain or grouped",
        bank_with(
            "- id: n\n  type: numeric\n  prompt: p\n  answer: 2022\n  display: commas\n"
            "  explanation: e\n"
        ),
        11,
        14,
        "display must be plain or grouped",
        "error",
    ),
    (
        "short: bad regex",
        bank_with(
            "- id: s\n  type: short\n  prompt: p\n  answers: [x]\n  pattern: '(a'\n"
            "  explanation: e\n"
        ),
        11,
        14,
        "pattern is not a valid regular expression",
        "error",
    ),
    (
        "short: answer all punctuation",
        bank_with("- id: s\n  type: short\n  prompt: p\n  answers: ['!!']\n  explanation: e\n"),
        10,
        15,
        "has nothing left once punctuation goes",
        "error",
    ),
    (
        "numeric: negative tolerance",
        bank_with(
            "- id: n\n  type: numeric\n  prompt: p\n  answer: 3\n  tolerance: -1\n"
            "  explanation: e\n"
        ),
        11,
        16,
        "tolerance must be 0 or more",
        "error",
    ),
    (
        "numeric: empty range",
        bank_with("- id: n\n  type: numeric\n  prompt: p\n  range: [5, 1]\n  explanation: e\n"),
        10,
        12,
        "range [5, 1] is empty",
        "error",
    ),
    (
        "numeric: text answer",
        bank_with("- id: n\n  type: numeric\n  prompt: p\n  answer: lots\n  explanation: e\n"),
        10,
        13,
        "answer must be a number, not text",
        "error",
    ),
    (
        "numeric: no answer",
        bank_with("- id: n\n  type: numeric\n  prompt: p\n  unit: kg\n  explanation: e\n"),
        7,
        5,
        "needs an 'answer'",
        "error",
    ),
    (
        "numeric: tolerance and range",
        bank_with(
            "- id: n\n  type: numeric\n  prompt: p\n  range: [1, 2]\n  tolerance: 1\n"
            "  explanation: e\n"
        ),
        11,
        5,
        "either 'tolerance' or 'range'",
        "error",
    ),
    (
        "numeric: answer outside range",
        bank_with(
            "- id: n\n  type: numeric\n  prompt: p\n  answer: 9\n  range: [1, 2]\n"
            "  explanation: e\n"
        ),
        10,
        13,
        "lies outside its range",
        "error",
    ),
    (
        "ordering: duplicate items",
        bank_with("- id: o\n  type: ordering\n  prompt: p\n  items: [a, b, a]\n  explanation: e\n"),
        10,
        19,
        "duplicate entry 'a' in items",
        "error",
    ),
    (
        "matching: duplicate left",
        bank_with(
            "- id: m\n  type: matching\n  prompt: p\n  pairs: [[a, 1], [a, 2]]\n  explanation: e\n"
        ),
        10,
        22,
        "left side 'a' is used twice",
        "error",
    ),
    (
        "matching: pair of three",
        bank_with(
            "- id: m\n  type: matching\n  prompt: p\n  pairs: [[a, 1, x], [b, 2]]\n"
            "  explanation: e\n"
        ),
        10,
        13,
        "each pair must be [left, right]",
        "error",
    ),
    (
        "matching: distractor is an answer",
        bank_with(
            "- id: m\n  type: matching\n  prompt: p\n  pairs: [[a, 1], [b, 2]]\n"
            "  distractors: ['2']\n  explanation: e\n"
        ),
        11,
        19,
        "distractor '2' is also",
        "error",
    ),
    (
        "cloze: no blanks",
        bank_with("- id: c\n  type: cloze\n  text: nothing to fill\n  explanation: e\n"),
        9,
        11,
        "needs at least one blank",
        "error",
    ),
    (
        "cloze: unclosed blank",
        bank_with("- id: c\n  type: cloze\n  text: a [[b]] and [[c\n  explanation: e\n"),
        9,
        11,
        "does not close a blank",
        "error",
    ),
    (
        "cloze: empty alternative",
        bank_with("- id: c\n  type: cloze\n  text: a [[b|]]\n  explanation: e\n"),
        9,
        11,
        "blank 1 has an empty accepted answer",
        "error",
    ),
    (
        "duplicate question id",
        bank_with(single() + single()),
        13,
        5,
        "question id 'q1' is already used",
        "error",
    ),
    (
        "card id collides with question id",
        bank_with(single(), cards="- id: q1\n  front: f\n  back: b\n"),
        14,
        5,
        "card id 'q1' is already used by the question at line 7",
        "error",
    ),
    (
        "card missing back",
        bank_with(single(), cards="- id: c1\n  front: f\n"),
        14,
        5,
        "a card is missing 'back'",
        "error",
    ),
    (
        "tag not a slug",
        bank_with(single(tags="[Big Tag]")),
        13,
        12,
        "tag 'Big Tag' is not a slug",
        "error",
    ),
    (
        "bank id not a slug",
        HEADER.replace("id: demo", "id: Demo Bank") + single(),
        2,
        7,
        "bank id 'Demo Bank' is not a slug",
        "error",
    ),
    (
        "bank missing title",
        HEADER.replace("  title: Demo\n", "") + single(),
        2,
        3,
        "bank is missing 'title'",
        "error",
    ),
    (
        "bank without summary",
        HEADER.replace("  summary: A demo bank.\n", "") + single(),
        2,
        3,
        "bank has no summary",
        "warning",
    ),
    (
        "unknown top-level key",
        "bnak: {}\n" + HEADER + single(),
        1,
        1,
        "unknown key 'bnak' in a bank file (did you mean 'bank'?)",
        "error",
    ),
    (
        "alias",
        bank_with(single()).replace("  - id: q1", "  - &q\n    id: q1") + "  - *q\n",
        14,
        5,
        "aliases",
        "error",
    ),
    ("not a mapping", "- just\n- a list\n", 1, 3, "a bank file must be a mapping", "error"),
    ("empty file", "", 1, 1, "file is empty", "error"),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment", "severity"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule_reports_line_and_message(text, line, column, fragment, severity):
    result = load_text(text, "bank.yaml")
    found = [p for p in result.problems if fragment in p.message]
    assert found, f"no problem mentions {fragment!r}; got {[str(p) for p in result.problems]}"
    problem = found[0]
    assert problem.severity == severity
    assert problem.location.path == "bank.yaml"
    assert problem.location.line == line, str(problem)
    if column is not None:
        assert problem.location.column == column, str(problem)
    assert str(problem).startswith(f"bank.yaml:{line}:")


def test_good_bank_has_no_problems():
    result = load_text(bank_with(single()), "bank.yaml")
    assert result.problems == []
    assert result.banks[0].questions[0].body == {"choices": ["A", "B", "C"], "answer": "A"}


def test_every_problem_is_reported_not_just_the_first():
    text = bank_with(single(id="Bad Id", answer="Z") + single(id="q2", choices="[A, A]"))
    messages = [p.message for p in load_text(text, "bank.yaml").errors]
    assert any("not a slug" in m for m in messages)
    assert any("is not one of the choices" in m for m in messages)
    assert any("duplicate entry 'A'" in m for m in messages)


def test_duplicate_bank_ids_across_files(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(bank_with(single()), encoding="utf-8")
    result = load_paths([tmp_path])
    assert [p.message for p in result.errors] == [
        f"bank id 'demo' is already used by {result.banks[0].path}:1; "
        "bank ids must be unique across files"
    ]
    assert result.errors[0].location.path.endswith("b.yaml")


def test_non_utf8_file_is_located(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(bank_with(single(prompt="Caf\xe9?")).encode("latin-1"))
    result = load_paths([path])
    (problem,) = result.errors
    assert "not UTF-8" in problem.message
    assert problem.location.line == 9


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + bank_with(single()).replace("\n", "\r\n").encode())
    result = load_paths([path])
    assert result.problems == []
    assert result.banks[0].questions[0].line == 7


def test_numbers_in_text_fields_keep_their_spelling():
    text = bank_with(single(choices="[2020, 2021, 1.50]", answer="1.50"))
    question = load_text(text, "bank.yaml").banks[0].questions[0]
    assert question.body["choices"] == ["2020", "2021", "1.50"]
