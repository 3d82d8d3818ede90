"""Grading rules of format v1, one type at a time, with the edge cases that bite."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp import qtypes
from quizapp.qtypes.helpers import NotANumber, parse_number
from quizapp.qtypes.textmatch import normalise as normalise_text


def grade(qtype: str, data: dict, response):
    return qtypes.get(qtype).grade(data, response)


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("Tang  Xiaoou.", "tang xiaoou"),
        ("ＴＡＮＧ Xiaoou", "tang xiaoou"),  # full-width letters fold under NFKC
        ("  Lee Kai-Fu!  ", "lee kai fu"),
        ("Straße", "strasse"),
        ("RMB 9.9", "rmb 9.9"),  # a decimal point is not punctuation to drop
        ("1,000", "1000"),
        ("", ""),
    ],
)
def test_normalise_text(given_text, expected):
    assert normalise_text(given_text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("250", 250), ("250.0", 250), ("1,000", 1000), ("2.5e2", 250), (" -3 ", -3), (".5", 0.5)],
)
def test_parse_number_accepts(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,00", "12a", "1..2", "--1", "1,000,00"])
def test_parse_number_refuses_with_message(text):
    with pytest.raises(NotANumber, match="is not a number"):
        parse_number(text)


def test_single_and_true_false():
    assert grade("single", {"answer": "B"}, "B").correct
    assert grade("single", {"answer": "B"}, "b").fraction == 0
    assert grade("true_false", {"answer": False}, False).correct
    assert grade("true_false", {"answer": False}, None).fraction == 0


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        (["A", "B"], 1.0),
        (["A"], 0.5),
        (["A", "C"], 0.0),  # one right, one wrong: 1/2 - 1/2
        (["A", "B", "C"], 0.5),
        (["C", "D"], 0.0),  # floored at 0, never negative
        ([], 0.0),
    ],
)
def test_multiple_partial_credit(chosen, fraction):
    data = {"choices": ["A", "B", "C", "D"], "answers": ["A", "B"]}
    assert grade("multiple", data, chosen).fraction == pytest.approx(fraction)


def test_short_answers_and_pattern():
    data = {"answers": ["Tang Xiaoou"], "pattern": r"(prof\.? )?tang"}
    assert grade("short", data, "tang  xiaoou.").correct
    assert grade("short", data, "TangXiaoou").correct
    assert grade("short", data, "Prof. Tang").correct
    assert not grade("short", data, "Tang Xiao").correct
    assert not grade("short", data, "   ").correct


def test_numeric_tolerance_range_and_refusal():
    assert grade("numeric", {"answer": 250}, "250.0").correct
    assert grade("numeric", {"answer": 3.14, "tolerance": 0.01}, "3.15").correct
    assert not grade("numeric", {"answer": 3.14, "tolerance": 0.01}, "3.16").correct
    assert grade("numeric", {"range": [1, 5]}, "5").correct
    assert not grade("numeric", {"range": [1, 5]}, "5.01").correct
    assert grade("numeric", {"answer": 0.3}, 0.1 + 0.2).correct
    with pytest.raises(NotANumber):
        grade("numeric", {"answer": 1}, "one")


def test_ordering_matching_cloze_fractions():
    items = {"items": ["a", "b", "c", "d"]}
    assert grade("ordering", items, ["a", "b", "c", "d"]).correct
    assert grade("ordering", items, ["a", "c", "b", "d"]).fraction == 0.5
    assert grade("ordering", items, ["a"]).fraction == 0.25
    pairs = {"pairs": [["x", "1"], ["y", "2"], ["z", "3"]]}
    assert grade("matching", pairs, {"x": "1", "y": "3", "z": "2"}).fraction == pytest.approx(1 / 3)
    cloze = {"text": "The [[sky|heavens]] is [[blue]]."}
    assert grade("cloze", cloze, ["Heavens", "BLUE"]).correct
    assert grade("cloze", cloze, ["sea", "blue"]).fraction == 0.5


@given(st.lists(st.sampled_from("ABCDE"), unique=True))
def test_multiple_fraction_always_between_zero_and_one(chosen):
    data = {"choices": list("ABCDE"), "answers": ["A", "C"]}
    assert 0 <= grade("multiple", data, chosen).fraction <= 1


@given(st.text())
def test_parse_number_either_parses_or_refuses(text):
    with contextlib.suppress(NotANumber):
        parse_number(text)


@pytest.mark.parametrize("text", ["1e999", "-1e400", "inf", "nan"])
def test_parse_number_refuses_infinities(text):
    with pytest.raises(NotANumber):
        parse_number(text)
