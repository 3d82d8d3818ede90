"""Presentation, form decoding, password policy and throttling: pure rules, tested directly."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp import qtypes
from quizapp.passwords import hash_password, password_problems, verify_password
from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.helpers import cloze_segments
from quizapp.throttling import Limit, wait_needed

SINGLE = {"choices": ["a", "b", "c", "d"], "answer": "a"}
ORDERING = {"items": ["1", "2", "3"]}
MATCHING = {"pairs": [["x", "1"], ["y", "2"]], "distractors": ["3"]}


def make_presentation(qtype: str, data: dict, rng: random.Random) -> dict:
    return qtypes.get(qtype).present(data, rng)


def decode_response(qtype: str, data: dict, presentation: dict, values) -> object:
    return qtypes.get(qtype).decode(data, presentation, values)


def form_values(qtype: str, response, presentation: dict) -> dict:
    return qtypes.get(qtype).form_values(response, presentation)


def values(fields: dict) -> callable:
    def getlist(name):
        value = fields.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    return getlist


def test_presentation_keeps_every_option_and_respects_shuffle_false():
    rng = random.Random(1)
    shown = make_presentation("single", SINGLE, rng)["choices"]
    assert sorted(shown) == sorted(SINGLE["choices"])
    fixed = make_presentation("single", {**SINGLE, "shuffle": False}, rng)
    assert fixed["choices"] == SINGLE["choices"]
    assert make_presentation("ordering", ORDERING, rng)["items"] != ORDERING["items"]
    matching = make_presentation("matching", MATCHING, rng)
    assert matching["lefts"] == ["x", "y"] and sorted(matching["options"]) == ["1", "2", "3"]


@given(st.integers(min_value=0, max_value=10_000))
def test_ordering_is_never_shown_already_solved(seed):
    shown = make_presentation("ordering", ORDERING, random.Random(seed))["items"]
    assert shown != ORDERING["items"] and sorted(shown) == ORDERING["items"]


@pytest.mark.parametrize(
    ("qtype", "data", "fields", "expected"),
    [
        ("single", SINGLE, {"answer": "b"}, "b"),
        ("single", SINGLE, {}, None),
        ("multiple", {"choices": ["a", "b", "c"]}, {"answer": ["c", "a", "a"]}, ["a", "c"]),
        ("true_false", {}, {"answer": "false"}, False),
        ("short", {}, {"answer": "  Tang  "}, "Tang"),
        ("numeric", {}, {"answer": "1,000"}, 1000.0),
        ("ordering", ORDERING, {"order-0": "2", "order-1": "", "order-2": "1"}, ["2", "", "1"]),
        ("matching", MATCHING, {"match-0": "2", "match-1": ""}, {"x": "2"}),
        ("cloze", {"text": "[[a]] and [[b]]"}, {"blank-1": "b"}, ["", "b"]),
    ],
)
def test_decode_response(qtype, data, fields, expected):
    presentation = make_presentation(qtype, data, random.Random(0)) if data else {}
    if qtype == "multiple":
        presentation = {"choices": ["a", "b", "c"]}
    assert decode_response(qtype, data, presentation, values(fields)) == expected
    if expected is not None:
        again = form_values(qtype, expected, presentation)
        assert decode_response(qtype, data, presentation, values(again)) == expected


@pytest.mark.parametrize(
    ("qtype", "data", "fields", "message"),
    [
        ("single", SINGLE, {"answer": "z"}, "options shown"),
        ("multiple", SINGLE, {"answer": ["a", "z"]}, "options shown"),
        ("true_false", {}, {"answer": "maybe"}, "True or False"),
        ("numeric", {}, {"answer": "ten"}, "is not a number"),
        ("ordering", ORDERING, {"order-0": "1", "order-1": "1"}, "one position only"),
        ("ordering", ORDERING, {"order-0": "9"}, "items shown"),
        ("matching", MATCHING, {"match-0": "99"}, "options shown"),
    ],
)
def test_decode_refuses_what_cannot_be_an_answer(qtype, data, fields, message):
    presentation = make_presentation(qtype, data, random.Random(0)) if data else {}
    with pytest.raises(InvalidResponse, match=message):
        decode_response(qtype, data, presentation, values(fields))


def test_cloze_segments_never_include_answers():
    assert cloze_segments("The [[sky|heavens]] is [[blue]].") == ["The ", " is ", "."]


@pytest.mark.parametrize(
    ("password", "username", "problem"),
    [
        ("short", "", "at least 8"),
        ("x" * 129, "", "at most 128"),
        ("Password123", "", "most common"),
        ("aaaaaaaaaaaa", "", "repeats"),
        ("my name is ada lovelace", "ada", "username"),
        ("correct horse battery staple", "ada", None),
        ("ünïcödé pässwörd", "", None),
    ],
)
def test_password_policy(password, username, problem):
    problems = password_problems(password, username)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems)


def test_hashing_is_argon2id_and_verifies():
    digest = hash_password("correct horse battery")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "correct horse battery")
    assert not verify_password(digest, "wrong")
    assert not verify_password("not a hash", "wrong")


def test_throttle_waits_until_the_oldest_counted_failure_leaves_the_window():
    now = datetime(2026, 1, 1, 12, 0)
    limit = Limit(failures=3, window=timedelta(minutes=10))
    times = [now - timedelta(minutes=m) for m in (9, 5, 1)]
    assert wait_needed(times[1:], limit, now) is None
    assert wait_needed(times, limit, now) == timedelta(minutes=1)
    old = [now - timedelta(minutes=m) for m in (30, 20, 11)]
    assert wait_needed(old, limit, now) is None
