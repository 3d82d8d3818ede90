"""Grading rules of format v1, one type at a time, with the edge cases that bite."""

from __future__ import annotations

import contextlib
import signal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizapp import qtypes
from quizapp.qtypes import textmatch
from quizapp.qtypes.helpers import NotANumber, parse_number
from quizapp.qtypes.textmatch import (
    TextKey,
    UnsafePattern,
    compile_pattern,
    distance,
    judge,
    normalise,
    same_text,
    typo_budget,
)
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
        ("the eighteenth", "18"),  # an ordinal in words is its number, like '18th'
        ("August first", "august 1"),
        ("A-100", "a 100"),  # a chip's name, not an article before a number
        ("the 8", "8"),
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
        (["A", "B", "C"], 1.0),  # the key
        (["A", "B", "C", "D", "E"], 0.0),  # every box: +100% - 100%
        ([], 0.0),
        (["A"], 1 / 3),  # partial credit kept
        (["A", "B"], 2 / 3),
        (["A", "B", "C", "D"], 0.5),  # the key and one of two wrong choices
        (["A", "D"], 0.0),  # 1/3 - 1/2, floored at 0, never negative
        (["D", "E"], 0.0),
    ],
)
def test_B9_multiple_answer_follows_moodle(chosen, fraction):
    """Right choices share +100%, wrong ones -100%: guessing everything scores nothing."""
    data = {"choices": ["A", "B", "C", "D", "E"], "answers": ["A", "B", "C"]}
    assert grade("multiple", data, chosen).fraction == pytest.approx(fraction)


def test_B9_explicit_fractions_are_the_authors():
    data = {
        "choices": ["A", "B", "C", "D"],
        "answers": ["A", "B"],
        "fractions": {"A": 70, "B": 30, "C": -100, "D": 0},
    }
    assert grade("multiple", data, ["A"]).fraction == pytest.approx(0.7)
    assert grade("multiple", data, ["A", "B", "D"]).correct
    assert grade("multiple", data, ["A", "B", "C", "D"]).fraction == 0


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


@given(
    st.lists(st.sampled_from("ABCDE"), unique=True), st.sets(st.sampled_from("ABCDE"), min_size=1)
)
def test_multiple_fraction_always_between_zero_and_one(chosen, right):
    data = {"choices": list("ABCDE"), "answers": sorted(right)}
    fraction = grade("multiple", data, chosen).fraction
    assert 0 <= fraction <= 1
    if len(right) < 5:
        assert grade("multiple", data, list("ABCDE")).fraction == 0


@given(st.text())
def test_parse_number_either_parses_or_refuses(text):
    with contextlib.suppress(NotANumber):
        parse_number(text)


@pytest.mark.parametrize("text", ["1e999", "-1e400", "inf", "nan"])
def test_parse_number_refuses_infinities(text):
    with pytest.raises(NotANumber):
        parse_number(text)


# ---- the one normaliser and typo tolerance (issue 13) -----------------------------------------


@given(st.text(max_size=60))
def test_normaliser_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


PIECES = ["the", "a", "an", "President", "vice", "minister", "Dr", "31", "1st", "Aug", "august",
          "of", "2023", "app", "language", "eight", "18th", "Baidu's", "-", "&", "U.S.", "9.9",
          "ＥＲＮＩＥ", "Raimondó", "may", "sept", "0", "32", "1000"]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=8), st.sampled_from([" ", "", ", ", "-"]))
def test_normaliser_is_idempotent_on_the_words_it_rewrites(pieces, glue):
    once = normalise_text(glue.join(pieces))
    assert normalise_text(once) == once


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20)


@given(WORDS, WORDS, st.booleans())
def test_tolerance_never_accepts_a_listed_reject(answer, near_miss, mangle):
    """Whatever the key, a response that is one of the `reject:` answers stays wrong; and so
    does a response closer to it than to the key."""
    assume(normalise_text(answer) and normalise_text(near_miss))
    assume(normalise_text(answer) != normalise_text(near_miss))
    key = TextKey(answers=[answer], reject=[near_miss])
    response = near_miss.upper() if mangle else f"the {near_miss}!"
    assert not judge(response, key).right
    typo = near_miss + "x"
    if distance(normalise(typo), normalise(near_miss)) < distance(
        normalise(typo), normalise(answer)
    ):
        assert not judge(typo, key).right


def test_typo_budget_grows_with_the_answer_and_never_touches_dates_or_numbers():
    assert [typo_budget(normalise(a)) for a in ("Lensa", "Nvidia", "Gina Raimondo")] == [0, 1, 2]
    assert typo_budget(normalise("August 31")) == typo_budget(normalise("2014")) == 0
    assert judge("Ernie Bott", TextKey(["ERNIE Bot"])).right
    assert not judge("Ernie Bott", TextKey(["ERNIE Bot"], typos=False)).right


def test_a_response_nearer_a_distractor_than_the_key_is_refused():
    key = TextKey(["Raimondo"], distractors=["Raimonda"])
    assert not judge("Raimondaa", key).right  # one edit from the distractor, two from the key
    assert judge("Raimondoo", key).right


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(\w+)\s\1", "linear time"),  # a backreference
        (r"(?=ascend)\w+", "linear time"),  # lookahead
        (r"(a", "not a valid regular expression"),
        (r".*", "accepts an empty answer"),
        ("a" * 400, "longer than"),
    ],
)
def test_B7_unsafe_patterns_are_refused(pattern, message):
    with pytest.raises(UnsafePattern, match=message):
        compile_pattern(pattern)


def test_B7_the_probe_pattern_returns_promptly_and_does_not_accept():
    """The probe's `(\\w+\\s?)+ Park` against 'a'*40 + '!' hung Python's re for 30 s; RE2 is
    linear. The alarm fails the test instead of hanging the run (no timing assertion)."""
    data = {"answers": ["Bletchley Park"], "pattern": r"(\w+\s?)+ Park"}
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("pattern matching hung"))
    signal.alarm(5)
    try:
        assert not grade("short", data, "a" * 40 + "!").correct
        assert not grade("short", data, "a " * 240 + "!").correct
        assert grade("short", data, "Bletchley  park").correct
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_B1_typed_text_is_never_kept_in_a_process_wide_cache():
    """B1: judging keeps the author's words (keys, near misses, context) in a cache, and
    nothing a student typed: a thousand different responses leave every cache as it was."""
    key = TextKey(answers=["Ernie Bot"], reject=["Ernie"], context="Baidu's chatbot, by 2023?")
    judge("ernie bot", key)
    caches = [value for value in vars(textmatch).values() if hasattr(value, "cache_info")]
    before = [cache.cache_info().currsize for cache in caches]
    for n in range(1000):
        judge(f"student secret {n}", key)
        same_text(f"another secret {n}", "Ernie Bot")
    assert [cache.cache_info().currsize for cache in caches] == before
    assert not hasattr(textmatch.normalise, "cache_info")
